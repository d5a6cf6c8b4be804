import Foundation
import Testing
@testable import YiwangKit

@Suite struct DivisionCodeTests {
    func error(for raw: String) -> IdentifierError? {
        do {
            _ = try DivisionCode(raw)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("430000", DivisionCode.Level.province),
        ("430500", .prefecture),
        ("430502", .county),
        ("430582", .county),
        ("430502001", .township),
        ("430502001001", .village),
    ])
    func levelFollowsTheShapeOfTheCode(code: String, level: DivisionCode.Level) throws {
        #expect(try DivisionCode(code).level == level)
    }

    @Test func parentsLeadFromVillageUpToProvince() throws {
        // given
        var current: DivisionCode? = try DivisionCode("430502001001")
        // when
        var chain: [String] = []
        while let code = current {
            chain.append(code.value)
            current = code.parent
        }
        // then
        #expect(chain == ["430502001001", "430502001", "430502", "430500", "430000"])
    }

    @Test func townshipDirectlyUnderAPrefectureHasThePrefectureAsParent() throws {
        // 东莞 has no counties; its towns hang off the prefecture.
        let town = try DivisionCode("441900003")
        #expect(town.parent?.value == "441900")
        #expect(town.parent?.level == .prefecture)
    }

    @Test func acceptsRetiredCountyCodes() throws {
        #expect(try DivisionCode("430521").level == .county)
        #expect(try DivisionCode("430526").parent?.value == "430500")
    }

    @Test func trimsWhitespace() throws {
        #expect(try DivisionCode(" 430502\n").value == "430502")
    }

    @Test func rejectsEmptyInput() {
        #expect(error(for: "") == .empty)
    }

    @Test func rejectsLengthsOtherThan6_9Or12AndSuggestsTheNearest() {
        #expect(error(for: "4305") == .wrongLength(expected: 6, actual: 4))
        #expect(error(for: "4305021") == .wrongLength(expected: 6, actual: 7))
        #expect(error(for: "43050200") == .wrongLength(expected: 9, actual: 8))
        #expect(error(for: "4305020010") == .wrongLength(expected: 9, actual: 10))
        #expect(error(for: "43050200100") == .wrongLength(expected: 12, actual: 11))
        #expect(error(for: "4305020010011") == .wrongLength(expected: 12, actual: 13))
    }

    @Test func rejectsNonDigits() {
        #expect(error(for: "43050A") == .invalidCharacter(position: 6))
        #expect(error(for: "-43050") == .invalidCharacter(position: 1))
    }

    @Test func rejectsUnknownProvinces() {
        #expect(error(for: "990000") == .unknownDivision("990000"))
        #expect(error(for: "000000001") == .unknownDivision("000000001"))
    }

    @Test func sortsAParentBeforeWhatItContains() throws {
        let codes = try ["430503", "430502001", "430500", "430502", "110105"].map(DivisionCode.init)
        #expect(codes.sorted().map(\.value) == ["110105", "430500", "430502", "430502001", "430503"])
    }

    @Test func codesAsASingleStringAndValidatesWhenDecoding() throws {
        let code = try DivisionCode("430502")
        let json = try JSONEncoder().encode([code])
        #expect(String(decoding: json, as: UTF8.self) == #"["430502"]"#)
        #expect(try JSONDecoder().decode([DivisionCode].self, from: json) == [code])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([DivisionCode].self, from: Data(#"["99"]"#.utf8))
        }
        #expect(try JSONDecoder().decode([DivisionCode.Level].self, from: Data(#"["township"]"#.utf8)) == [.township])
    }
}
