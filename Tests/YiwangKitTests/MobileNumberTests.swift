import Foundation
import Testing
@testable import YiwangKit

@Suite struct MobileNumberTests {
    func error(for raw: String) -> IdentifierError? {
        do {
            _ = try MobileNumber(raw)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        "13800000001", " 13800000001 ", "138 0000 0001", "138-0000-0001",
        "+8613800000001", "+86 138 0000 0001", "86 13800000001", "8613800000001", "0086-138-0000-0001",
    ])
    func stripsCountryCodeAndSeparators(raw: String) throws {
        #expect(try MobileNumber(raw).value == "13800000001")
    }

    @Test func rejectsEmptyInput() {
        #expect(error(for: "") == .empty)
        #expect(error(for: " - ") == .empty)
        #expect(error(for: "+86") == .empty)
    }

    @Test func rejectsWrongLength() {
        #expect(error(for: "1380000000") == .wrongLength(expected: 11, actual: 10))
        #expect(error(for: "138000000012") == .wrongLength(expected: 11, actual: 12))
        #expect(error(for: "+1 13800000001") == .wrongLength(expected: 11, actual: 13))
    }

    @Test func rejectsNumbersNotStartingWith1() {
        #expect(error(for: "23800000001") == .invalidCharacter(position: 1))
        #expect(error(for: "0731-5555555") == .invalidCharacter(position: 1))
    }

    @Test func rejectsNonDigits() {
        #expect(error(for: "1380000000a") == .invalidCharacter(position: 11))
        #expect(error(for: "138(000)0001") == .wrongLength(expected: 11, actual: 12))
        #expect(error(for: "138.0000001") == .invalidCharacter(position: 4))
    }

    @Test func masksByDefaultWhenPrinted() throws {
        // given
        let number = try MobileNumber("13800000001")
        // then
        #expect(number.masked == "138****0001")
        #expect("\(number)" == "138****0001")
        #expect(String(reflecting: number) == "MobileNumber(138****0001)")
    }

    @Test func codesAsASingleStringAndValidatesWhenDecoding() throws {
        let number = try MobileNumber("13800000001")
        let json = try JSONEncoder().encode([number])
        #expect(String(decoding: json, as: UTF8.self) == #"["13800000001"]"#)
        #expect(try JSONDecoder().decode([MobileNumber].self, from: Data(#"["+86 138 0000 0001"]"#.utf8)) == [number])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([MobileNumber].self, from: Data(#"["12345"]"#.utf8))
        }
    }
}
