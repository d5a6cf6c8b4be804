import Testing
@testable import YiwangKit

@Suite struct IdentifierErrorTests {
    @Test(arguments: [
        (IdentifierError.empty, "empty", "号码为空，请填写。"),
        (.wrongLength(expected: 18, actual: 17), "wrong-length", "号码应为 18 位，现为 17 位。请核对号码。"),
        (.invalidCharacter(position: 7), "invalid-character", "第 7 位字符无效。请核对号码。"),
        (.badCheckCharacter(expected: "X"), "bad-check-character", "校验位不正确，应为 X。请核对号码。"),
        (.impossibleBirthDate, "impossible-birth-date", "出生日期不存在。请核对号码。"),
        (.futureBirthDate, "future-birth-date", "出生日期晚于今天。请核对号码。"),
        (.unknownDivision("990101"), "unknown-division", "行政区划代码 990101 无法识别。请核对号码。"),
    ])
    func hasAStableCodeAndAPlainChineseMessage(error: IdentifierError, code: String, message: String) {
        #expect(error.code == code)
        #expect(error.message == message)
        #expect(error.localizedDescription == message)
    }

    @Test func becomesAProblemFieldError() {
        let field = Problem.FieldError(field: "idNumber", error: .badCheckCharacter(expected: "X"))
        #expect(field == Problem.FieldError(field: "idNumber", code: "bad-check-character", message: "校验位不正确，应为 X。请核对号码。"))
    }
}
