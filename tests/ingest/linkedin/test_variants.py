"""Every file variant of the format spec, built in the test from tiny rows."""

import codecs
import sqlite3

from tests.support import (
    CONNECTIONS_2018,
    INVITATIONS_2024,
    MESSAGES_2021,
    MESSAGES_2024,
    PREAMBLE,
    connections,
    csv_text,
    profile,
    url,
    write_files,
)
from weakties.ingest.linkedin.importer import import_linkedin

CONTACTS = (
    "Source,FirstName,LastName,Companies,Title,Emails,PhoneNumbers,CreatedAt,Addresses,Sites,"
    "InstantMessageHandles,FullName,Birthday,Location,BookmarkedAt,Profiles"
).split(",")
ENDORSEMENTS_2023 = [
    "Endorsement Date",
    "Skill Name",
    "Endorser First Name",
    "Endorser Last Name",
    "Endorser Public Url",
    "Endorsement Status",
]
RECOMMENDATIONS = [
    "First Name",
    "Last Name",
    "Company",
    "Job Title",
    "Text",
    "Creation Date",
    "Status",
]


def rows(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_connections_2018_no_preamble_us_dates_and_emails(store, tmp_path, db_path):
    folder = write_files(
        tmp_path / "x",
        {
            "Connections.csv": connections(
                [
                    ["Ann", "Lee", "ann@lee.io", "Acme Inc.", "CTO", "1/8/18, 6:14 PM"],
                    ["Bob", "Stone, PhD", "", "Globex", "Researcher", "12/30/17, 11:02 AM"],
                ],
                version="2018",
            )
        },
    )
    summary = import_linkedin(store, folder, "me")
    assert summary.files[0].version == "2018"
    assert rows(db_path, "select value from identity where kind='email'") == [("ann@lee.io",)]
    assert rows(db_path, "select substr(since,1,16) from tie order by since") == [
        ("2017-12-30 00:00",),
        ("2018-01-08 00:00",),
    ]


def test_connections_resaved_by_excel(store, tmp_path, db_path):
    # Excel: "Notes:,,,,," preamble, CRLF, dd-Mon-yy dates, the e-mail column deleted.
    text = (
        "Notes:,,,,\r\n"
        '"When exporting your connection data, you may notice...",,,,\r\n'
        ",,,,\r\n"
        "First Name,Last Name,Company,Position,Connected On\r\n"
        "Sage,Quarry,Syracuse University,Analyst,18-Jun-24\r\n"
        "Wren,Zion,AlmaneaCo,Engineer,9-Sep-22\r\n"
    )
    folder = write_files(tmp_path / "x", {"Connections.csv": text})
    summary = import_linkedin(store, folder, "me")
    assert (summary.files[0].version, summary.files[0].traces) == ("partial", 2)
    assert rows(db_path, "select count(*) from position where source='observed'") == [(2,)]


def test_connections_quirks(store, tmp_path, db_path):
    text = connections(
        [
            ["Quinn", "Dvořák, Ph.D.", url("quinn-d"), "", "Petrol Group", "Lead", "07 Dec 2024"],
            ["Gray ", "Kettering ", url("gray-k"), "", " WhiteBIT ", "Dev", "10 Dec 2024"],
            ["", "", "", "", "", "", "14 Sep 2024"],  # a member who hid themself
            ['=HYPERLINK("http://evil","x")', "Formula", url("f"), "", "", "", "1 Jan 2024"],
            ["Zoë", "Zeller🎗️", url("zoe-z"), "", "", "", "27 Nov 2024"],
        ]
    )
    folder = write_files(tmp_path / "x", {"Connections.csv": text})
    summary = import_linkedin(store, folder, "me")
    assert summary.files[0].skipped == {"hidden member": 1}
    names = {r[0] for r in rows(db_path, "select display_name from person")}
    assert {"Quinn Dvořák, Ph.D.", "Gray Kettering", "Zoë Zeller🎗️"} <= names
    # A formula-looking cell is data, stored exactly as text.
    assert '=HYPERLINK("http://evil","x") Formula' in names
    assert rows(db_path, "select name from organization where name like '%White%'") == [
        ("WhiteBIT",)
    ]


def test_group_message_one_interaction_per_recipient_counted_by_urls(store, tmp_path, db_path):
    header_rows = [
        # a group message: names contain a comma, URLs decide the count (3 recipients)
        [
            "c1",
            "Team",
            "Me Myself",
            url("me"),
            "Ann Lee, MBA,Bob Stone,Chloé Martin",
            f"{url('ann')},{url('bob')},{url('chloe')}",
            "2024-12-01 10:00:00 UTC",
            "",
            "Hello &amp; welcome<br>all",
            "INBOX",
            "No",
            "No",
        ],
        [
            "c1",
            "Team",
            "Bob Stone",
            url("bob"),
            "Me Myself,Ann Lee, MBA,Chloé Martin",
            f"{url('me')},{url('ann')},{url('chloe')}",
            "2024-12-01 10:05:00 UTC",
            "",
            "Hi",
            "INBOX",
            "No",
            "No",
        ],
        # a draft is not a message sent
        [
            "c2",
            "",
            "Me Myself",
            url("me"),
            "Ann Lee, MBA",
            url("ann"),
            "2024-12-02 09:00:00 UTC",
            "",
            "unsent",
            "DRAFT",
            "Yes",
            "No",
        ],
    ]
    files = {
        "Profile.csv": profile("Me", "Myself"),
        "messages.csv": csv_text(MESSAGES_2024, header_rows),
    }
    summary = import_linkedin(store, write_files(tmp_path / "x", files), "me")
    msg = next(f for f in summary.files if f.kind == "messages")
    assert (msg.rows, msg.traces, msg.skipped) == (3, 6, {"draft": 1})
    assert rows(db_path, "select group_size, count(*) from interaction group by 1") == [(3, 6)]
    assert rows(db_path, "select count(*) from interaction where content is not null") == [(0,)]
    ann = rows(
        db_path,
        "select display_name from person p join identity i on i.person_id=p.id where i.value='ann'",
    )
    assert ann == [("Ann Lee, MBA",)]


def test_keep_content_decodes_html(store, tmp_path, db_path):
    data = [
        [
            "c1",
            "",
            "Ann Lee",
            url("ann"),
            "Me Myself",
            url("me"),
            "2024-12-01 10:00:00 UTC",
            "Re: lunch",
            "Caf&eacute; at 1?<br>&nbsp;Sure &amp; thanks",
            "INBOX",
            "No",
            "No",
        ]
    ]
    folder = write_files(
        tmp_path / "x",
        {"Profile.csv": profile("Me", "Myself"), "messages.csv": csv_text(MESSAGES_2024, data)},
    )
    import_linkedin(store, folder, "me", keep_content=True)
    assert rows(db_path, "select subject, content from interaction") == [
        ("Re: lunch", "Café at 1?\n Sure & thanks")
    ]


def test_messages_2018_direction_and_2021_without_recipient_urls(store, tmp_path, db_path):
    m2018 = csv_text(
        ["From", "To", "Date", "Subject", "Content", "Direction", "Folder"],
        [
            ["Ann Lee", "Me Myself", "10/16/18, 8:36 AM", "", "Hi&rsquo;", "INCOMING", "INBOX"],
            ["Me Myself", "Ann Lee", "10/16/18, 9:00 AM", "", "Hello", "OUTGOING", "SENT"],
        ],
    )
    folder = write_files(
        tmp_path / "a", {"Profile.csv": profile("Me", "Myself"), "messages.csv": m2018}
    )
    summary = import_linkedin(store, folder, "me")
    assert next(f for f in summary.files if f.kind == "messages").version == "2018"
    m2021 = csv_text(
        MESSAGES_2021,
        [
            [
                "c",
                "",
                "Ann Lee",
                url("ann"),
                "Me Myself, Bob Stone",
                "2021-12-14 23:57:02 UTC",
                "",
                "x",
                "INBOX",
            ]
        ],
    )
    folder = write_files(tmp_path / "b", {"messages.csv": m2021})
    summary = import_linkedin(store, folder, "me")
    assert next(f for f in summary.files if f.kind == "messages").traces == 2
    # "Ann Lee" of 2018 (no URL) and of 2021 (with URL) are one person
    assert rows(db_path, "select count(*) from person where name_key='ann lee'") == [(1,)]
    assert rows(db_path, "select count(*), sum(group_size) from interaction") == [(4, 6)]


def test_invitations_url_and_urn_variants(store, tmp_path, db_path):
    inv_url = csv_text(
        INVITATIONS_2024,
        [
            ["Me Myself", "Ann Lee", "6/14/24, 5:57 AM", "", "OUTGOING", url("me"), url("ann")],
            [
                "Bob Stone",
                "Me Myself",
                "6/15/24, 7:01 PM",
                "Hi!",
                "INCOMING",
                url("bob"),
                url("me"),
            ],
        ],
    )
    import_linkedin(store, write_files(tmp_path / "a", {"Invitations.csv": inv_url}), "me")
    assert rows(
        db_path, "select value from identity i join member m on m.person_id=i.person_id"
    ) == [("me",)]
    inv_urn = csv_text(
        ["From", "To", "Sent At", "Message", "Direction", "inviterProfileUrn", "inviteeProfileUrn"],
        [
            [
                "Me Myself",
                "Chloé Martin",
                "6/16/24, 8:00 AM",
                "",
                "OUTGOING",
                "urn:li:member:111",
                "urn:li:member:222",
            ]
        ],
    )
    summary = import_linkedin(
        store, write_files(tmp_path / "b", {"Invitations.csv": inv_urn}), "me"
    )
    assert summary.files[0].version == "2023-urn"
    assert rows(
        db_path, "select kind, value from identity where kind='linkedin_urn' order by 2"
    ) == [
        ("linkedin_urn", "member:111"),
        ("linkedin_urn", "member:222"),
    ]
    assert rows(db_path, "select count(*) from interaction where kind='invitation'") == [(3,)]


def test_endorsements_utf16_tab_variant_alone(store, tmp_path, db_path):
    text = (
        '"Endorsement Date"\t"Skill Name"\t"Endorser First Name"\t"Endorser Last Name"\t'
        '"Endorsement Status"\t"Display Status"\r\n'
        '"2022/07/27 01:50:25 UTC"\t"JavaScript"\t"Xen"\t"ORWELL"\t"Redacted"\t""\r\n'
        '"2020/06/09 00:53:47 UTC"\t"css3"\t"Emery"\t"Brennan"\t"Accepted"\t"Show"\r\n'
    )
    raw = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    summary = import_linkedin(
        store, write_files(tmp_path / "x", {"Endorsement Received Info.csv": raw}), "me"
    )
    assert (summary.files[0].version, summary.files[0].traces) == ("2022-utf16", 2)
    assert rows(db_path, "select detail, status from interaction order by 1") == [
        ("JavaScript", "REDACTED"),
        ("css3", "ACCEPTED"),
    ]


def test_unknown_ignored_and_renamed_files(store, tmp_path):
    files = {
        "Connections (1).csv": PREAMBLE
        + csv_text(
            [
                "First Name",
                "Last Name",
                "URL",
                "Email Address",
                "Company",
                "Position",
                "Connected On",
            ],
            [["Ann", "Lee", url("ann"), "", "", "", "1 Jan 2024"]],
        ),
        "Logins.csv": "Login Date,IP Address\n2024-01-01,0.0.0.0\n",
        "Jobs/Saved Jobs.csv": "a,b\n",
        "Mystery.csv": "x,y\n1,2\n",
        "Articles/2024-01-01.html": "<html></html>",
    }
    summary = import_linkedin(store, write_files(tmp_path / "x", files), "me")
    assert summary.files[0].kind == "connections"  # recognised by its header
    assert sorted(summary.ignored) == [
        "Articles/2024-01-01.html",
        "Jobs/Saved Jobs.csv",
        "Logins.csv",
    ]
    assert summary.unknown == ["Mystery.csv"]


def test_own_profile_positions_education_skills(store, tmp_path, db_path):
    files = {
        "Profile.csv": profile("Me", "Myself", "Consultant"),
        "Positions.csv": csv_text(
            ["Company Name", "Title", "Description", "Location", "Started On", "Finished On"],
            [
                ["Acme SAS ", "Partner", "", "Paris", "Jun 2018", ""],
                ["Globex", "Analyst", "", "", "2015", "May 2018"],
            ],
        ),
        "Education.csv": csv_text(
            ["School Name", "Start Date", "End Date", "Notes", "Degree Name", "Activities"],
            [["HEC Paris", "2012", "2014", "", "MSc", ""]],
        ),
        "Skills.csv": "Name\nStrategy\nPython\nStrategy\n",
        "Email Addresses.csv": "Email Address,Confirmed,Primary,Updated On\n"
        'me@myself.fr,Yes,Yes,"10/25/17, 4:50 PM"\n',
    }
    import_linkedin(store, write_files(tmp_path / "x", files), "me")
    assert rows(
        db_path,
        "select o.name, p.title, p.start_date, p.start_precision, p.end_date, p.is_current "
        "from position p join organization o on o.id=p.organization_id order by p.start_date",
    ) == [
        ("HEC Paris", "MSc", "2012-01-01", "year", "2014-01-01", 0),
        ("Globex", "Analyst", "2015-01-01", "year", "2018-05-01", 0),
        ("Acme SAS", "Partner", "2018-06-01", "month", None, 1),
    ]
    assert rows(db_path, "select name from skill order by 1") == [("Python",), ("Strategy",)]
    assert rows(db_path, "select headline from person p join member m on m.person_id=p.id") == [
        ("Consultant",)
    ]


def test_activity_recommendations_phones_and_2018_files(store, tmp_path, db_path):
    files = {
        "Profile.csv": csv_text(
            [
                "First Name",
                "Last Name",
                "Maiden Name",
                "Address",
                "Birth Date",
                "Headline",
                "Summary",
                "Industry",
                "Zip Code",
                "Geo Location",
                "Twitter Handles",
                "Websites",
                "Instant Messengers",
                "Contact Instructions",
                "Country",
            ],
            [
                [
                    "Me",
                    "Myself",
                    "",
                    "1 rue X",
                    "Feb 17, 1998",
                    "Coach",
                    "",
                    "Consulting",
                    "75001",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "France",
                ]
            ],
        ),
        "Phone Numbers.csv": "Extension,Number,Type\n,+33 6 00 00 00 01,Mobile\n,0,Work\n",
        "Imported Contacts.csv": csv_text(
            [
                "First Name",
                "Last Name",
                "Companies",
                "Title",
                "Email Address",
                "Phone Numbers",
                "Created At",
                "Instant Message Handles",
                "Addresses",
                "Sites",
                "Full Name",
                "Birthday",
                "Location",
                "Bookmarked At",
                "Profiles",
            ],
            [
                [
                    "Ann",
                    "Lee",
                    "Acme",
                    "",
                    "ann@lee.io",
                    "",
                    "3/1/17, 5:25 AM",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ]
            ],
        ),
        "Recommendations_Received.csv": csv_text(
            ["First Name", "Last Name", "Company", "Job Title", "Text", "Creation Date", "Status"],
            [["Ann", "Lee", "Acme", "CTO", "Great work", "12/24/23, 05:28 AM", "VISIBLE"]],
        ),
        "Reactions.csv": "Date,Type,Link\n2024-06-17 06:01:43,LIKE,https://www.linkedin.com/feed/update/urn:li:activity:1\n",
        "Comments.csv": "Date,Link,Message\n2024-06-17 07:00:00,"
        '"https://www.linkedin.com/feed/update/urn:li:activity:2","Well said, Ann"\n',
        "Shares.csv": csv_text(
            ["Date", "ShareLink", "ShareCommentary", "SharedUrl", "MediaUrl", "Visibility"],
            [
                [
                    "2024-06-11 09:51:14",
                    "https://www.linkedin.com/feed/update/urn:li:share:3",
                    "Line one\nline two",
                    "",
                    "",
                    "MEMBER_NETWORK",
                ]
            ],
        ),
        "coach_messages.csv": "CONVERSATION ID,FROM\nx,y\n",
    }
    summary = import_linkedin(store, write_files(tmp_path / "x", files), "me")
    by_name = {f.name: f for f in summary.files}
    assert by_name["Profile.csv"].version == "2018"
    assert by_name["Imported Contacts.csv"].version == "2018"
    assert by_name["Phone Numbers.csv"].skipped == {"not a phone number": 1}
    assert summary.ignored == ["coach_messages.csv"]
    assert rows(
        db_path,
        "select kind, status, detail, content from interaction "
        "where recipient_id is null order by kind",
    ) == [
        ("comment", None, "https://www.linkedin.com/feed/update/urn:li:activity:2", None),
        ("reaction", "LIKE", "https://www.linkedin.com/feed/update/urn:li:activity:1", None),
        ("share", "MEMBER_NETWORK", "https://www.linkedin.com/feed/update/urn:li:share:3", None),
    ]
    # The recommender of the received recommendation is Ann of the address book.
    assert rows(
        db_path,
        "select p.display_name, i.detail from interaction i "
        "join person p on p.id=i.sender_id where i.kind='recommendation'",
    ) == [("Ann Lee", "CTO")]
    assert rows(
        db_path, "select kind, value from identity i join member m on m.person_id=i.person_id"
    ) == [("phone", "+33600000001")]
    assert rows(
        db_path, "select location, industry from person p join member m on m.person_id=p.id"
    ) == [("France", "Consulting")]


def test_namesakes_in_one_list_are_never_one_person(store, tmp_path, db_path):
    # 2021 to mid-2023: no URL, no e-mail; a list names each connection once.
    text = PREAMBLE + csv_text(
        CONNECTIONS_2018,
        [
            ["John", "Smith", "", "Acme", "Engineer", "17 Jun 2021"],
            ["John", "Smith", "", "Globex", "Analyst", "18 Jun 2021"],
            ["John", "Smith", "", "", "", "19 Jun 2021"],
            ["Jane", "Roe", "", "Acme", "Designer", "20 Jun 2021"],
            ["Jane", "Roe", "", "Acme", "Designer", "21 Jun 2021"],
        ],
    )
    summary = import_linkedin(store, write_files(tmp_path / "x", {"Connections.csv": text}), "me")
    assert (summary.files[0].traces, summary.files[0].skipped) == (5, {})
    assert rows(db_path, "select name_key, count(*) from person group by 1 order by 1") == [
        ("jane roe", 2),
        ("john smith", 3),
        ("me", 1),
    ]
    assert rows(db_path, "select count(*) from tie where source='connection'") == [(5,)]
    # Two rows of one list are two people for sure: nothing to propose.
    assert rows(db_path, "select count(*) from match_proposal") == [(0,)]


def test_a_namesake_of_the_owner_is_someone_else(store, tmp_path, db_path):
    # The owner's profile URL is unknown (no invitations, no messages).
    files = {
        "Profile.csv": profile("Me", "Myself"),
        "Connections.csv": connections(
            [
                ["Me", "Myself", url("me-other"), "", "Acme", "CTO", "01 Jan 2024"],
                ["Ann", "Lee", url("ann"), "", "Acme", "CEO", "02 Jan 2024"],
            ]
        ),
        "Contacts.csv": csv_text(
            CONTACTS,
            [["GOOGLE_CONTACTS", "Me", "Myself", "", "", "other@me.io"] + [""] * 10],
        ),
        "Endorsement_Received_Info.csv": csv_text(
            ENDORSEMENTS_2023,
            [["2024/02/24 14:03:38 UTC", "Python", "Me", "Myself", "", "ACCEPTED"]],
        ),
        "Recommendations_Received.csv": csv_text(
            RECOMMENDATIONS,
            [["Me", "Myself", "Acme", "CTO", "Great", "12/24/23, 05:28 AM", "VISIBLE"]],
        ),
        "Member_Follows.csv": "Date,Status,FullName\n2022-09-09 01:41:08,Active,Me Myself\n",
    }
    summary = import_linkedin(store, write_files(tmp_path / "x", files), "me")
    traces = {f.name: (f.traces, dict(f.skipped)) for f in summary.files}
    assert traces["Connections.csv"] == (2, {})
    for name in (
        "Contacts.csv",
        "Endorsement_Received_Info.csv",
        "Recommendations_Received.csv",
        "Member_Follows.csv",
    ):
        assert traces[name] == (1, {}), name
    # The member has no identity from a namesake; the namesake has them all.
    assert (
        rows(db_path, "select i.kind from identity i join member m on m.person_id=i.person_id")
        == []
    )
    other = rows(db_path, "select person_id from identity where value='me-other'")[0][0]
    assert rows(
        db_path, f"select kind, value from identity where person_id={other} order by 1"
    ) == [
        ("email", "other@me.io"),
        ("linkedin", "me-other"),
    ]
    assert rows(
        db_path,
        "select count(*) from interaction i join member m on m.person_id=i.recipient_id "
        f"where i.sender_id={other}",
    ) == [(2,)]  # the endorsement and the recommendation
    assert rows(db_path, "select count(*) from match_proposal") == [(0,)]


def test_spam_and_draft_conversations_are_not_traces(store, tmp_path, db_path):
    def message(sender, slug, folder, draft="No", conversation_draft="No"):
        return [
            f"c-{slug}",
            "",
            sender,
            url(slug),
            "Me Myself",
            url("me"),
            "2024-12-01 10:00:00 UTC",
            "",
            "Hello",
            folder,
            draft,
            conversation_draft,
        ]

    data = [
        message("Ann Lee", "ann", "INBOX"),
        message("Crypto Deals", "crypto", "SPAM"),
        message("Bob Stone", "bob", "INBOX", conversation_draft="Yes"),
        message("Cy Tran", "cy", "ARCHIVE", draft="Yes"),
    ]
    files = {"Profile.csv": profile("Me", "Myself"), "messages.csv": csv_text(MESSAGES_2024, data)}
    summary = import_linkedin(store, write_files(tmp_path / "x", files), "me")
    msg = next(f for f in summary.files if f.kind == "messages")
    assert (msg.rows, msg.traces, msg.skipped) == (4, 1, {"spam": 1, "draft": 2})
    assert rows(db_path, "select count(*) from interaction") == [(1,)]
    # Nobody is created from a spam or a draft row.
    assert rows(db_path, "select display_name from person order by 1") == [
        ("Ann Lee",),
        ("Me Myself",),
    ]


def test_profile_url_suffixes_and_accent_forms_are_one_person(store, tmp_path, db_path):
    text = connections(
        [
            ["Jane", "Doe", "https://www.linkedin.com/in/Jane-Doe/fr/", "", "", "", "1 Jan 2024"],
            [
                "José",
                "García",
                "https://fr.linkedin.com/in/jos%C3%A9-garc%C3%ADa/details/experience",
                "",
                "",
                "",
                "2 Jan 2024",
            ],
        ]
    )
    data = [
        [
            "c1",
            "",
            "Jane Doe",
            "https://www.linkedin.com/in/jane-doe",
            "Me Myself",
            url("me"),
            "2024-12-01 10:00:00 UTC",
            "",
            "Hi",
            "INBOX",
            "No",
            "No",
        ],
        [
            "c2",
            "",
            "José García",
            "https://www.linkedin.com/in/jose%CC%81-garci%CC%81a?trk=x",  # decomposed accents
            "Me Myself",
            url("me"),
            "2024-12-02 10:00:00 UTC",
            "",
            "Hola",
            "INBOX",
            "No",
            "No",
        ],
    ]
    files = {
        "Profile.csv": profile("Me", "Myself"),
        "Connections.csv": text,
        "messages.csv": csv_text(MESSAGES_2024, data),
    }
    import_linkedin(store, write_files(tmp_path / "x", files), "me")
    assert rows(db_path, "select value from identity where kind='linkedin' order by 1") == [
        ("jane-doe",),
        ("josé-garcía",),
        ("me",),
    ]
    assert rows(db_path, "select count(*) from person") == [(3,)]
    assert rows(
        db_path,
        "select count(*) from interaction i join tie t "
        "on i.sender_id in (t.person_a_id, t.person_b_id) where t.source='connection'",
    ) == [(2,)]


def test_date_order_reads_only_the_dates_no_value_settles(store, tmp_path, db_path):
    """--date-order dmy reads an Excel file whose every date could be either;
    LinkedIn's own '3/1/22, 5:25 AM' in another file stays month first."""
    invitations = csv_text(
        INVITATIONS_2024,
        [
            ["Me Myself", "Ann Lee", "3/1/22, 5:25 AM", "", "OUTGOING", url("me"), url("ann")],
            ["Me Myself", "Bob Stone", "4/2/22, 6:00 PM", "", "OUTGOING", url("me"), url("bob")],
        ],
    )
    folder = write_files(
        tmp_path / "x",
        {
            "Connections.csv": connections(
                [
                    ["Cy", "Roe", url("cy"), "", "Acme", "CTO", "04/07/2023"],
                    ["Di", "Fox", url("di"), "", "Globex", "CEO", "05/06/2023"],
                ]
            ),
            "Invitations.csv": invitations,
        },
    )
    summary = import_linkedin(store, folder, "me", date_order="dmy")
    read_as = {f.name: f.read_as for f in summary.files}
    assert read_as["Connections.csv"] == ["day/month dates (--date-order)"]
    assert rows(db_path, "select since from tie order by since") == [
        ("2023-06-05 00:00:00.000000",),
        ("2023-07-04 00:00:00.000000",),
    ]
    assert rows(db_path, "select occurred_at from interaction order by occurred_at") == [
        ("2022-03-01 05:25:00.000000",),
        ("2022-04-02 18:00:00.000000",),
    ]


def test_a_file_whose_values_settle_its_order_follows_them(store, tmp_path, db_path):
    folder = write_files(
        tmp_path / "x",
        {
            "Connections.csv": connections(
                [
                    ["Cy", "Roe", url("cy"), "", "Acme", "CTO", "04/07/2023"],
                    ["Di", "Fox", url("di"), "", "Globex", "CEO", "19/06/2023"],
                ]
            )
        },
    )
    summary = import_linkedin(store, folder, "me", date_order="mdy")
    assert summary.files[0].read_as == ["day/month dates (line 6, Connected On: '19/06/2023')"]
    assert rows(db_path, "select since from tie order by since") == [
        ("2023-06-19 00:00:00.000000",),
        ("2023-07-04 00:00:00.000000",),
    ]
