"""How figures are written, the same on pages, in exports and in services' messages."""


def yuan(fen: int | None) -> str:
    """Whole fen as yuan with two decimals, exactly (¥20,780.76): integer arithmetic, so a
    figure is never a float rounded one way here and another way in an export."""
    fen = int(fen or 0)
    sign, fen = ("-", -fen) if fen < 0 else ("", fen)
    return f"¥{sign}{fen // 100:,}.{fen % 100:02d}"
