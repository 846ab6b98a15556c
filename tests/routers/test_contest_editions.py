"""The list of competition editions: paginated, with per-edition counts, bounded SQL."""

from tests.factories import make_student
from tests.factories_contests import make_edition, make_round
from tests.factories_curriculum import make_competition


def test_editions_are_listed_a_page_at_a_time_with_their_counts(client, session, statement_counter):
    competition = make_competition(session)
    editions = [make_edition(session, competition=competition, year=1990 + n) for n in range(30)]
    for position in (1, 2):
        make_round(session, edition=editions[-1], position=position)  # the newest year
    student = make_student(session)
    session.commit()
    client.login(student.username)

    client.get("/contests")
    with statement_counter() as statements:
        first = client.get("/contests").text
    assert first.count('href="/contests/editions/') == 25
    assert f'href="/contests/editions/{editions[-1].id}"' in first  # newest year first
    assert f'href="/contests/editions/{editions[0].id}"' not in first
    assert '<td class="num">2</td>' in first  # its two rounds
    assert 'href="/contests?page=2"' in first
    second = client.get("/contests?page=2").text
    assert second.count('href="/contests/editions/') == 5
    assert f'href="/contests/editions/{editions[0].id}"' in second
    assert len(statements) <= 6
