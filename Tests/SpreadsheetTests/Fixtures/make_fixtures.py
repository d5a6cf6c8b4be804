#!/usr/bin/env python3
"""Regenerates the .xlsx fixtures of SpreadsheetTests.

Run from anywhere: python3 make_fixtures.py   (needs: pip install openpyxl)

openpyxl writes every string inline, so catalog.xlsx is post-processed into what Excel
writes: strings moved to xl/sharedStrings.xml (repeated ones shared, one rich-text entry,
one entry with _xHHHH_ escapes), with one cell left as an inline string. The other files
are built by hand because no spreadsheet program would write them. Zip timestamps and
document properties are fixed so that reruns give identical bytes.
"""

import datetime
import io
import os
import re
import struct
import zipfile

import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Font

HERE = os.path.dirname(os.path.abspath(__file__))
FIXED_TIME = (2024, 1, 1, 0, 0, 0)
FIXED_DATETIME = datetime.datetime(2024, 1, 1)
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHARED_STRINGS_TYPE = REL_NS + "/sharedStrings"
SHARED_STRINGS_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
# Stands for the cell whose shared string carries _xHHHH_ escapes, which openpyxl cannot write.
ESCAPED_PLACEHOLDER = "@@ESCAPED@@"
ESCAPED_SI = "<t>第一行_x000D_\n第二行 _x005F_x0041_</t>"
ONE_MB = 1024 * 1024


def zip_bytes(parts, compression=zipfile.ZIP_DEFLATED, level=None):
    """A zip of (name, bytes) pairs with fixed timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = compression
            if isinstance(content, str):
                content = content.encode("utf-8")
            archive.writestr(info, content, compresslevel=level)
    return buffer.getvalue()


def save_workbook(workbook):
    """The parts openpyxl writes, with the save time (which it always sets to now) fixed."""
    workbook.properties.created = FIXED_DATETIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    parts = []
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        for name in archive.namelist():
            content = archive.read(name)
            if name == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", content)
            parts.append((name, content))
    return parts


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as handle:
        handle.write(data)
    print(f"{name}: {len(data)} bytes")


def move_strings_to_shared_table(parts, keep_inline):
    """Turns inline strings of sheet1 into shared strings, except the cells in keep_inline."""
    parts = dict(parts)
    sheet = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    table = []

    def to_shared(match):
        reference, attributes, content = match.group(1), match.group(2), match.group(3)
        if reference in keep_inline:
            return match.group(0)
        if ESCAPED_PLACEHOLDER in content:
            content = ESCAPED_SI
        if content not in table:
            table.append(content)
        return f'<c r="{reference}"{attributes} t="s"><v>{table.index(content)}</v></c>'

    sheet = re.sub(r'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?) t="inlineStr"><is>(.*?)</is></c>', to_shared, sheet)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode("utf-8")
    items = "".join(f"<si>{content}</si>" for content in table)
    parts["xl/sharedStrings.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="{MAIN_NS}" count="{len(table)}" uniqueCount="{len(table)}">{items}</sst>'
    ).encode("utf-8")
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    rels = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rIdStrings" Type="{SHARED_STRINGS_TYPE}" Target="sharedStrings.xml"/></Relationships>',
    )
    parts["xl/_rels/workbook.xml.rels"] = rels.encode("utf-8")
    types = parts["[Content_Types].xml"].decode("utf-8")
    types = types.replace(
        "</Types>",
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_CONTENT}"/></Types>',
    )
    parts["[Content_Types].xml"] = types.encode("utf-8")
    return list(parts.items())


def catalog():
    """Two sheets; the first has Chinese text, numbers, gaps, shared, inline and rich strings."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "资源目录"
    sheet.append(["信息资源名称", "提供单位", "共享类型", "更新周期（天）", "数据量（条）", "是否向社会开放"])
    sheet.append(["营业执照信息", "市市场监管局", "有条件", 1, 3.5, True])
    sheet.append(["企业年报信息", "市市场监管局", None, 365, 120000, False])
    sheet["A4"] = CellRichText(["重点", TextBlock(InlineFont(b=True), "数据")])
    sheet["B4"] = datetime.date(2024, 1, 1)
    sheet["C4"] = "=D2+D3"
    sheet["D4"] = "  前后空格  "
    sheet["F4"] = ESCAPED_PLACEHOLDER
    sheet["H6"] = "备注"
    # Formatted but empty cells, as templates have far below the data: not rows of the sheet.
    for column in "ABC":
        sheet[f"{column}9"].font = Font(bold=True)

    notes = workbook.create_sheet("填写说明")
    notes.append(["请勿修改表头"])
    notes.append(["第二个工作表不会被读取"])

    parts = move_strings_to_shared_table(save_workbook(workbook), keep_inline={"C2"})
    write("catalog.xlsx", zip_bytes(parts))


def hidden_first():
    """A hidden first sheet with drop-down values, then the sheet departments fill in."""
    workbook = openpyxl.Workbook()
    options = workbook.active
    options.title = "下拉选项"
    options.append(["无条件", "有条件", "不予共享"])
    options.sheet_state = "hidden"
    visible = workbook.create_sheet("资源目录")
    visible.append(["信息资源名称", "共享类型"])
    visible.append(["社会保险参保信息", "无条件"])
    workbook.active = 1
    write("hidden_first.xlsx", zip_bytes(save_workbook(workbook)))


def minimal():
    """Only a worksheet part: prefixed elements, no cell references, every cell type."""
    sheet = f"""<?xml version="1.0" encoding="UTF-8"?>
<x:worksheet xmlns:x="{MAIN_NS}"><x:sheetData>
<x:row><x:c t="inlineStr"><x:is><x:t xml:space="preserve"> 前导空格</x:t></x:is></x:c><x:c t="str"><x:f>A1&amp;"!"</x:f><x:v>公式结果</x:v></x:c><x:c t="b"><x:v>0</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c><x:c><x:v>0.1</x:v></x:c><x:c t="inlineStr"><x:is><x:t><![CDATA[<&>]]></x:t></x:is></x:c></x:row>
<x:row><x:c><x:v>1E-3</x:v></x:c><x:c t="s"/><x:c t="n"><x:v>
  42
</x:v></x:c></x:row>
</x:sheetData></x:worksheet>"""
    write("minimal.xlsx", zip_bytes([("xl/worksheets/sheet1.xml", sheet)]))


def bad_shared_string():
    """A cell pointing at shared string 5 when the table has one entry."""
    parts = [
        ("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
        ("_rels/.rels", f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
                        f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        ("xl/workbook.xml", f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
                            f'<sheet name="目录" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        ("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PKG_REL_NS}">'
                                       f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
                                       f'<Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
                                       f'</Relationships>'),
        ("xl/sharedStrings.xml", f'<sst xmlns="{MAIN_NS}"><si><t>唯一的字符串</t></si></sst>'),
        ("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1">'
                                     f'<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>5</v></c>'
                                     f'</row></sheetData></worksheet>'),
    ]
    write("bad_shared_string.xlsx", zip_bytes(parts))


def doctype():
    """A worksheet with an internal DTD defining nested entities (a 'billion laughs' shape)."""
    sheet = f"""<?xml version="1.0"?>
<!DOCTYPE worksheet [<!ENTITY a "哈哈哈哈哈哈哈哈"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>"""
    write("doctype.xlsx", zip_bytes([("xl/worksheets/sheet1.xml", sheet)]))


def not_a_workbook():
    """A real zip, but a word-processing document rather than a workbook."""
    parts = [("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')]
    write("not_a_workbook.xlsx", zip_bytes(parts))


def renamed_text():
    write("renamed_text.xlsx", "这不是表格，只是改了扩展名的文本文件。\n信息资源名称,提供单位\n".encode("utf-8"))


def bomb_sheet():
    """20 MB of worksheet that deflates to about 20 KB."""
    head = f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()
    tail = b"</sheetData></worksheet>"
    return head + b" " * (20 * ONE_MB - len(head) - len(tail)) + tail


def bomb():
    """Honest headers saying 20 MB: refused before anything is inflated."""
    write("bomb.xlsx", zip_bytes([("xl/worksheets/sheet1.xml", bomb_sheet())], level=9))


def lying_bomb():
    """The same 20 MB entry, with both headers claiming it inflates to 1,000 bytes."""
    data = bytearray(zip_bytes([("xl/worksheets/sheet1.xml", bomb_sheet())], level=9))
    claimed = 1000
    local = data.index(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, claimed)
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, claimed)
    write("lying_bomb.xlsx", bytes(data))


def endless_deflate():
    """A deflate stream whose stored block runs past the end of the zip: it never ends."""
    name = b"xl/worksheets/sheet1.xml"
    # BFINAL=0, BTYPE=stored, LEN=0xFFFF, NLEN=0x0000: 65,535 bytes follow that are not there.
    compressed = b"\x00\xff\xff\x00\x00" + b"<worksheet/>"
    crc, size = 0, 12
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x5821, crc, len(compressed), size, len(name), 0)
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x5821, crc, len(compressed), size, len(name), 0, 0, 0, 0, 0, 0
    )
    directory_offset = len(local) + len(name) + len(compressed)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central) + len(name), directory_offset, 0)
    write("endless_deflate.xlsx", local + name + compressed + central + name + end)


if __name__ == "__main__":
    catalog()
    hidden_first()
    minimal()
    bad_shared_string()
    doctype()
    not_a_workbook()
    renamed_text()
    bomb()
    lying_bomb()
    endless_deflate()
