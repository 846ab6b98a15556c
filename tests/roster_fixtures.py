"""Small roster files built in the tests themselves (no binary fixtures)."""

import csv
import io

from openpyxl import Workbook

HEADER_ZH = ["学号", "姓名", "班级", "邮箱", "手机"]
HEADER_EN = ["student_number", "full_name", "cohort", "email", "phone"]


def csv_bytes(rows, *, header=HEADER_ZH, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, *, header=HEADER_ZH, title_rows=()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for title in title_rows:
        sheet.append(title)
    if header:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cohort_label(cohort) -> str:
    return f"{cohort.major} {cohort.intake_year}级 {cohort.class_number}班"
