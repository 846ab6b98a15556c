"""The 广告法 checker: known claims, exceptions, negations; sign-offs, staleness, the ready gate."""

import pytest
from sqlmodel import select

from app.errors import Conflict, Forbidden, FormErrors
from app.models.compliance import AdRule, ScriptSignOff
from app.schemas.compliance import ScriptForm, SignOffForm
from app.services import compliance as compliance_service
from app.services.compliance import active_rules, check_text, hit_counts
from tests.factories import make_student, make_teacher
from tests.factories_compliance import make_scripted_session, seed_rules
from tests.factories_teams import ensure_posts


@pytest.fixture
def rules(session):
    seed_rules(session)
    return active_rules(session)


def _codes(text, rules):
    return [(hit.rule.code, hit.matched) for hit in check_text(text, rules)]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("这款牛肉干是最低价！", "PRICE-LOWEST-PRICE"),
        ("这款牛肉干是全网最低价！", "PRICE-LOWEST"),
        ("销量全国第一。", "ABS-NO1"),
        ("喝了能降血压。", "HEALTH-05"),
        ("这个面膜祛斑效果特别明显。", "COS-QUBAN"),
        ("无效退款，大家放心拍。", "GUAR-REFUND"),
        ("开过光的手链。", "SUP-01"),
        ("国家级大师设计的茶具。", "AUTH-NATIONAL"),
        ("这是顶级羊绒。", "ABS-TOP"),
    ],
)
def test_the_checker_finds_known_claims(rules, text, code):
    assert code in [c for c, _ in _codes(text, rules)]


@pytest.mark.parametrize(
    "text",
    [
        "第一次来直播间的宝宝点个关注。",
        "最近天气转凉了。",
        "活动最后一天。",
        "第一步先把面霜搓热。",
        "我们第一时间发货。",
        "洗的时候最好是冷水手洗。",
        "符合国家标准，可以享受国家补贴。",
        "七天无理由退货。",
        "这件T恤是百分之百纯棉的。",
    ],
)
def test_ordinals_time_words_and_advice_are_not_claims(rules, text):
    assert _codes(text, rules) == []


def test_a_negated_claim_is_a_disclaimer_not_a_hit(rules):
    assert _codes("我们不是全网最便宜的，但是每一件都检查过。", rules) == []
    assert _codes("这款不是药，不能治疗疾病。", rules) == []
    assert _codes("不是最便宜，但是最好的。", rules) == [("ABS-ZUI", "最好")]


def test_a_whitening_claim_is_cleared_by_its_special_registration(rules):
    assert _codes("这款精华美白效果好。", rules) == [("COS-MEIBAI", "美白")]
    assert _codes("这款美白精华有国妆特字号。", rules) == []


def test_a_phrase_inside_a_longer_claim_is_one_hit_with_offsets_and_sentence(rules):
    text = "大家好。今天史上最低！"
    [hit] = check_text(text, rules)
    assert (hit.rule.code, hit.matched, hit.sentence) == (
        "PRICE-LOWEST",
        "史上最低",
        "今天史上最低！",
    )
    assert text[hit.start : hit.end] == "史上最低"


def test_a_rule_edited_in_the_database_applies_to_the_next_check(session, rules):
    assert _codes("这是极品。", rules)
    rule = session.exec(select(AdRule).where(AdRule.code == "ABS-JIPIN")).one()
    rule.exceptions = "极品"
    session.add(rule)
    session.flush()
    assert _codes("这是极品。", active_rules(session)) == []
    rule.is_active = False
    session.add(rule)
    session.flush()
    assert "ABS-JIPIN" not in [r.code for r in active_rules(session)]


def test_seeding_again_keeps_a_teachers_edit(session, rules):
    rule = session.exec(select(AdRule).where(AdRule.code == "ABS-TOP")).one()
    rule.rewrite_zh = "老师改过的建议"
    session.add(rule)
    session.flush()
    count = len(rules)
    seed_rules(session)
    assert len(active_rules(session)) == count
    session.refresh(rule)
    assert rule.rewrite_zh == "老师改过的建议"


def _world(session):
    ensure_posts(session)
    student, teacher = make_student(session), make_teacher(session)
    live = make_scripted_session(
        session, script="今天全网最低价。\n第一次来的点关注。", members=[(student, "anchor")]
    )
    return student, teacher, live


def _save(session, user, live, script, claims=None):
    form = ScriptForm.parse(
        {
            "script": script,
            "product_id": [str(p.product.id) for p in _review(session, live).parts if p.product],
            "claim": claims or [""],
        }
    )
    return compliance_service.save_script(
        session, user=user, team_id=live.team_id, session_id=live.id, form=form
    )


def _review(session, live):
    return compliance_service.review_live(session, live)


def _sign(session, teacher, live, key, note="有价格记录"):
    form = SignOffForm.parse({"hit_key": key, "note": note})
    return compliance_service.sign_off(
        session, user=teacher, team_id=live.team_id, session_id=live.id, form=form
    )


def test_a_signed_off_hit_becomes_unresolved_when_its_sentence_changes(session, rules):
    student, teacher, live = _world(session)
    [view] = _review(session, live).hits
    _sign(session, teacher, live, view.hit.key)
    assert _review(session, live).counts.unresolved == 0
    _save(session, student, live, "今天的价格全网最低价哦。\n第一次来的点关注。")
    counts = _review(session, live).counts
    assert (counts.total, counts.unresolved, counts.signed_off) == (1, 1, 0)


def test_only_staff_sign_off_and_only_hits_still_in_the_script(session, rules):
    student, teacher, live = _world(session)
    [view] = _review(session, live).hits
    with pytest.raises(Forbidden):
        _sign(session, student, live, view.hit.key)
    with pytest.raises(FormErrors):
        _sign(session, teacher, live, "ABS-TOP:0000000000000000")
    with pytest.raises(FormErrors):
        SignOffForm.parse({"hit_key": view.hit.key, "note": ""})
    assert session.exec(select(ScriptSignOff)).all() == []


def test_the_ready_gate_names_the_unresolved_hits_and_opens_after_a_fix(session, rules):
    student, _teacher, live = _world(session)
    with pytest.raises(Conflict) as refused:
        compliance_service.mark_ready(
            session, user=student, team_id=live.team_id, session_id=live.id
        )
    assert refused.value.params == {"n": 1}
    _save(session, student, live, "今天到手价59.9元。")
    compliance_service.mark_ready(session, user=student, team_id=live.team_id, session_id=live.id)
    assert live.ready_at is not None and live.ready_by_id == student.id


def test_saving_a_new_claim_after_ready_takes_the_ready_mark_back(session, rules):
    student, _teacher, live = _world(session)
    _save(session, student, live, "今天到手价59.9元。")
    compliance_service.mark_ready(session, user=student, team_id=live.team_id, session_id=live.id)
    _live, cleared = _save(session, student, live, "今天到手价59.9元。", claims=["顶级牛肉"])
    assert cleared and live.ready_at is None and live.ready_by_id is None
    _live, cleared = _save(session, student, live, "今天到手价59.9元。")
    assert not cleared


def test_hit_counts_per_session_in_a_bounded_number_of_queries(session, rules, statement_counter):
    student, teacher, live = _world(session)
    other = make_scripted_session(session, script="极品好茶。", claims="能降血压，还能治失眠。")
    [view] = _review(session, live).hits
    _sign(session, teacher, live, view.hit.key)
    with statement_counter() as statements:
        counts = hit_counts(session, [live.id, other.id, live.id])
    assert len(statements) <= 4
    assert (counts[live.id].total, counts[live.id].signed_off, counts[live.id].unresolved) == (
        1,
        1,
        0,
    )
    assert counts[other.id].total == 4 and counts[other.id].unresolved == 4
    assert counts[other.id].by_category == {"absolute": 1, "health": 3}
