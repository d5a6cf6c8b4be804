"""Regenerates catalog-import.xlsx: the catalog template with one good row and one bad row."""
from pathlib import Path

from openpyxl import Workbook

COLUMNS = ["资源分类代码", "信息资源名称", "信息资源摘要", "格式分类", "格式类型", "共享类型", "共享条件", "不予共享依据",
           "共享方式", "是否向社会开放", "更新周期", "关键词", "关联事项", "数据项"]

book = Workbook()
sheet = book.active
sheet.title = "目录"
sheet.append(COLUMNS)
sheet.append(["201", "表格导入的不动产资源", "从 Excel 模板导入", 3, "Oracle", "有条件共享", "仅限不动产登记业务", "", "接口", "否", "每日",
              "不动产；登记", "不动产登记", "不动产单元号:C:28；坐落:C:200；登簿日期:D"])
sheet.append(["201", "表格导入的坏行", "不予共享却无依据", 3, "Oracle", "不予共享", "", "", "", "否", "每年", "", "", "名称:C:20"])
book.save(Path(__file__).with_name("catalog-import.xlsx"))
