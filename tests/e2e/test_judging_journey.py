"""The judging journey: the organiser assigns two judges (a judge who advises the team is
refused, with the reason), both score the entry, the organiser sees the ranking, applies
quotas and publishes; a visitor verifies certificates by URL with no login."""

from datetime import date
from decimal import Decimal

import pytest

from tests.e2e.helpers import log_in

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with a clear message
    expect = None

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-password-123"


def _world(live_server):
    from sqlmodel import select

    from app.models import MentorProfile, Post
    from app.models.certificates import CertificateAward
    from app.models.contests import (
        Edition,
        Entry,
        EntryAdvisor,
        EntryMember,
        Round,
        RubricCriterion,
        Track,
    )
    from app.models.curriculum import CertificateType, Competition
    from app.models.teams import Team, TeamMember
    from app.services.certificates.awards import new_code

    admin = live_server.create_user(role="admin", full_name="赛事管理员")
    judge_a = live_server.create_user(role="teacher", full_name="评委甲老师")
    judge_b = live_server.create_user(role="mentor", full_name="评委乙导师")
    adviser = live_server.create_user(role="teacher", full_name="指导丙老师")
    students = [live_server.create_user(role="student", full_name=f"选手{n}") for n in (1, 2)]
    with live_server.session() as s:
        s.add(MentorProfile(user_id=judge_b.id, enterprise="杭州星耀传媒"))
        anchor = s.exec(select(Post).where(Post.code == "anchor")).one()
        competition = s.exec(select(Competition).order_by(Competition.id)).first()
        edition = Edition(
            competition_id=competition.id,
            year=2031,
            registration_opens_on=date(2031, 3, 1),
            registration_closes_on=date(2031, 4, 1),
        )
        s.add(edition)
        s.flush()
        round_ = Round(edition_id=edition.id, position=1, level="school")
        track = Track(edition_id=edition.id, name_zh="直播实战赛道")
        s.add_all([round_, track])
        s.flush()
        entries = []
        for _n, (name, student) in enumerate(
            (("朝阳评审队", students[0]), ("晨光团队", students[1]))
        ):
            team = Team(name=name)
            s.add(team)
            s.flush()
            s.add(
                TeamMember(
                    team_id=team.id,
                    user_id=student.id,
                    post_id=anchor.id,
                    joined_on=date(2030, 9, 1),
                )
            )
            entry = Entry(
                round_id=round_.id, track_id=track.id, team_id=team.id, title=f"{name}助农专场"
            )
            s.add(entry)
            s.flush()
            s.add(EntryMember(entry_id=entry.id, user_id=student.id))
            entries.append(entry)
        s.add(EntryAdvisor(entry_id=entries[0].id, user_id=adviser.id, kind="college"))
        rhythm = RubricCriterion(
            round_id=round_.id,
            name_zh="直播节奏把控",
            max_score=60,
            weight=Decimal(1),
            sort_order=1,
        )
        compliance = RubricCriterion(
            round_id=round_.id, name_zh="合规表达", max_score=40, weight=Decimal(1), sort_order=2
        )
        s.add_all([rhythm, compliance])
        cert = s.exec(select(CertificateType).order_by(CertificateType.id)).first()
        valid = CertificateAward(
            number="E2E-0001",
            certificate_type_id=cert.id,
            level=5,
            holder_id=students[0].id,
            holder_name="张小明",
            issued_on=date(2030, 6, 1),
            verification_code=new_code(),
        )
        revoked = CertificateAward(
            number="E2E-0002",
            certificate_type_id=cert.id,
            level=5,
            holder_id=students[1].id,
            holder_name="李大华",
            issued_on=date(2030, 6, 1),
            verification_code=new_code(),
            status="revoked",
            revoke_reason="考试违纪",
        )
        s.add_all([valid, revoked])
        s.commit()
        return {
            "admin": admin,
            "judge_a": judge_a,
            "judge_b": judge_b,
            "adviser": adviser,
            "round_id": round_.id,
            "entry_id": entries[0].id,
            "other_entry_id": entries[1].id,
            "rhythm": rhythm.id,
            "compliance": compliance.id,
            "valid_code": valid.verification_code,
            "revoked_code": revoked.verification_code,
        }


def _assign(page, entry_id, judge_id):
    form = page.locator("#assign-form")
    form.locator("#f-entry_id").select_option(str(entry_id))
    form.locator("#f-judge_id").select_option(str(judge_id))
    form.locator("button[type=submit]").click()


def _score(make_page, world, judge, rhythm, compliance):
    page = make_page()
    page.goto("/login")
    log_in(page, judge.username, PASSWORD)
    page.goto("/judging")
    expect(page.locator("table.judge-tasks")).to_contain_text("朝阳评审队")
    expect(page.locator("table.judge-tasks")).not_to_contain_text("晨光团队")
    page.locator("table.judge-tasks a", has_text="朝阳评审队").click()
    sheet = page.locator("#score-sheet")
    sheet.locator(f"#f-c{world['rhythm']}").fill("61")  # over the maximum of 60
    sheet.locator(f"#f-c{world['compliance']}").click()
    expect(page.locator(f"#c{world['rhythm']}-error")).to_be_visible()
    page.locator(f"#f-c{world['rhythm']}").fill(str(rhythm))
    page.locator(f"#f-c{world['compliance']}").fill(str(compliance))
    page.locator("#f-note").click()
    expect(page.locator(".sheet-status")).to_contain_text("已保存")
    expect(page.locator(".score-sheet .stat")).to_contain_text(f"{rhythm + compliance:.2f}")
    page.locator("form[action$='/submit'] button").click()
    expect(page.locator("table.judge-tasks")).to_contain_text("已提交")


@pytest.mark.e2e
def test_two_judges_score_organiser_ranks_publishes_and_visitor_verifies(
    make_page, live_server, page_errors
):
    world = _world(live_server)
    round_url = f"/contests/rounds/{world['round_id']}"

    admin = make_page()
    admin.on("dialog", lambda dialog: dialog.accept())
    admin.goto("/login")
    log_in(admin, world["admin"].username, PASSWORD)
    admin.goto(round_url)
    _assign(admin, world["entry_id"], world["adviser"].id)
    error = admin.locator("#judge_id-error")
    expect(error).to_contain_text("利益冲突")
    expect(error).to_contain_text("指导丙老师")
    _assign(admin, world["entry_id"], world["judge_a"].id)
    expect(admin.locator("#assignments .chip", has_text="评委甲老师")).to_be_visible()
    _assign(admin, world["entry_id"], world["judge_b"].id)
    expect(admin.locator("#assignments .chip", has_text="评委乙导师")).to_be_visible()

    _score(make_page, world, world["judge_a"], 50, 30)
    _score(make_page, world, world["judge_b"], 40, 36)

    admin.goto(round_url)
    first_row = admin.locator("#ranking tbody tr").first
    expect(first_row).to_contain_text("朝阳评审队")
    expect(first_row).to_contain_text("78.00")  # (80 + 76) / 2
    expect(first_row).to_contain_text("2 / 2")
    admin.locator("#quota-form #f-q_first").fill("50")
    admin.locator("#quota-form button[type=submit]").click()
    expect(admin.locator("#ranking tbody tr").first).to_contain_text("一等奖")
    # the second entry has no judge: publishing is refused until it is done on purpose
    expect(admin.locator("#missing-scores")).to_contain_text("尚无任何评委评分")
    admin.locator("form[action$='/publish'] button").click()
    expect(admin.locator("#anyway-error")).to_contain_text("还缺 1 份评分表")
    admin.locator("#f-anyway").check()
    admin.locator("#f-publish_reason").fill("第二支队伍弃赛")
    admin.locator("form[action$='/publish'] button").click()
    expect(admin.locator(".notice-ok")).to_be_visible()
    expect(admin.locator(".log-list")).to_contain_text("第二支队伍弃赛")
    admin.goto(f"{round_url}/results")
    expect(admin.locator("table")).to_contain_text("朝阳评审队")

    visitor = make_page()
    visitor.goto(f"/verify/{world['valid_code']}")
    expect(visitor.locator(".verify-status")).to_contain_text("有效")
    expect(visitor.locator(".verify-card")).to_contain_text("张*明")
    expect(visitor.locator(".verify-card")).not_to_contain_text("张小明")
    visitor.goto(f"/verify/{world['revoked_code']}")
    expect(visitor.locator(".verify-status")).to_contain_text("撤销")
    assert page_errors == []
