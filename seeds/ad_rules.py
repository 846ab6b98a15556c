"""The 广告法 rule list (seeds/catalogue/ad_rules.json) and, for the demo, scripts with a
hit or two on a few planned sessions.

Rules are keyed by their code; a rule that exists is left alone, so teachers' edits
survive the next seed.
"""

from sqlmodel import Session, select

from app.models.compliance import AdRule
from app.models.teams import LiveSession, LiveSessionProduct, SessionStatus
from seeds.loader import CATALOGUE_DIR, SeedReport, read, upsert

# Product-neutral, as the demo's products are drawn at random: (script, claims of the first product)
DEMO_SCRIPTS = (
    (
        "家人们晚上好，第一次来直播间的宝宝点个关注。\n"
        "今天这几款都是全网最低价，错过今天就没有了！\n"
        "有问题随时问客服，我们第一时间回复。",
        "做工精细，七天无理由退货。",
    ),
    (
        "最近降温了，今天给大家带来几款冬天用得上的好物。\n这一款是今年最火的款，大家抓紧。",
        "顶级品质，拍一发二。",
    ),
    ("今天的福利款数量有限，最后五十单。", "原价199，直播间只要99。"),
)


def rule_values(item: dict, order: int, categories: dict[str, dict]) -> dict:
    category = categories[item["category"]]
    return {
        "pattern": item["pattern"],
        "is_regex": bool(item.get("regex", False)),
        "category": item["category"],
        "category_zh": category["name_zh"],
        "category_en": category["name_en"],
        "severity": item["severity"],
        "source_zh": item["source_zh"],
        "source_en": item["source_en"],
        "rewrite_zh": item["rewrite_zh"],
        "rewrite_en": item["rewrite_en"],
        "exceptions": "\n".join(item.get("exceptions", [])),
        "cleared_by": "\n".join(item.get("cleared_by", [])),
        "note": item.get("note", ""),
        "sort_order": order,
    }


def seed_catalogue(session: Session, report: SeedReport) -> None:
    data = read("ad_rules.json", CATALOGUE_DIR)
    categories = {c["code"]: c for c in data["categories"]}
    for order, item in enumerate(data["rules"]):
        upsert(
            session, AdRule, {"code": item["code"]}, rule_values(item, order, categories), report
        )


def seed_demo(session: Session, report: SeedReport, *, scale: int = 1) -> None:
    """A script on the first few planned sessions, once (a second run finds them). Not
    counted as updates: on a fresh database they are this same run's new rows."""
    if session.exec(select(LiveSession.id).where(LiveSession.script != "").limit(1)).first():
        return
    planned = session.exec(
        select(LiveSession)
        .where(LiveSession.status == SessionStatus.planned.value)
        .order_by(LiveSession.id)
        .limit(len(DEMO_SCRIPTS))
    ).all()
    for live, (script, claims) in zip(planned, DEMO_SCRIPTS, strict=False):
        live.script = script
        session.add(live)
        product = session.exec(
            select(LiveSessionProduct)
            .where(LiveSessionProduct.session_id == live.id)
            .order_by(LiveSessionProduct.sort_order)
        ).first()
        if product is not None and not product.claims:
            product.claims = claims
            session.add(product)
    session.flush()
