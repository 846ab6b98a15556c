"""Roster files: the columns a roster has and how its header may spell them; reading the
file is ``app.services.uploads`` (app/exports/ writes the blank template from
TEMPLATE_HEADERS and TEMPLATE_EXAMPLE).

Nothing here touches the database. A file that cannot be read raises ``FormErrors`` on
the ``file`` field with a message the administrator can act on.
"""

from app.i18n import N_
from app.services import uploads

# Committing costs one Argon2 hash per student (~165 ms of CPU each with the app's
# parameters), so a 1000-row commit takes about 80 s on 2 cores and 20 s on 8.
MAX_ROWS = 1000

FIELDS = ("student_number", "full_name", "cohort", "major", "intake_year", "class_number")
FIELDS += ("email", "phone")

# Header spellings, compared after uploads.header_key(): case, spaces, "*", notes in
# brackets go.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "student_number": ("学号", "学生编号", "studentnumber", "studentno", "studentid"),
    "full_name": ("姓名", "学生姓名", "名字", "fullname", "name", "studentname"),
    "cohort": ("班级", "行政班", "行政班级", "cohort", "class"),
    "major": ("专业", "专业名称", "major"),
    "intake_year": ("入学年份", "入学年级", "年级", "intakeyear", "intake", "year"),
    "class_number": ("班号", "班次", "classnumber", "classno"),
    "email": ("邮箱", "电子邮箱", "电子邮件", "邮件", "email", "e-mail", "mail"),
    "phone": ("手机", "手机号", "手机号码", "电话", "联系电话", "phone", "mobile", "phonenumber"),
}
LAYOUT = uploads.Layout(
    aliases=HEADER_ALIASES,
    required=frozenset({"student_number", "full_name"}),
    no_header=N_(
        "No header row found. The first row must name the columns: 学号 (student number), "
        "姓名 (name), 班级 (cohort), and optionally 邮箱 (email) and 手机 (phone). "
        "Download the template to see them."
    ),
    no_rows=N_("The file has a header row but no students. Add one row per student under it."),
    too_many=N_("The file has more than %(max)s students. Split it into smaller files."),
)

TEMPLATE_HEADERS = ("学号", "姓名", "班级", "邮箱", "手机")
TEMPLATE_EXAMPLE = (
    "2024010101",
    "张三",
    "网络营销与直播电商 2024级 1班",
    "zhangsan@example.com",
    "13800138000",
)


def read_roster(content: bytes) -> uploads.Table:
    """Rows of an uploaded roster (CSV in UTF-8 or GB18030, or XLSX), or ``FormErrors``."""
    return uploads.read_table(content, layout=LAYOUT, max_rows=MAX_ROWS)
