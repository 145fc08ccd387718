"""E-mail to members (password reset links): SMTP when configured, else the server log."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from weakties.web.settings import Settings

__all__ = ["send_mail"]

log = logging.getLogger("weakties.mail")


def send_mail(settings: Settings, to: str, subject: str, body: str) -> None:
    """Send one plain-text e-mail; without an SMTP server, write it to the log."""
    if not settings.smtp_host:
        log.warning("no SMTP server configured; e-mail to %s: %s\n%s", to, subject, body)
        return
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user and settings.smtp_password is not None:
            smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
        smtp.send_message(message)
