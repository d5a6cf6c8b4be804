import Foundation
import Testing
@testable import YiwangKit

@Suite struct CreditCodeTests {
    func error(for raw: String) -> IdentifierError? {
        do {
            _ = try CreditCode(raw)
            return nil
        } catch {
            return error
        }
    }

    @Test func acceptsTheStandardsExampleAndSplitsItsParts() throws {
        // when
        let code = try CreditCode("91350100M000100Y43")
        // then
        #expect(code.registrationAuthority == "9")
        #expect(code.organisationType == "1")
        #expect(code.divisionCode == "350100")
        #expect(code.subjectCode == "M000100Y4")
        #expect(code.description == "91350100M000100Y43")
    }

    @Test func computesTheKnownCheckCharacter() {
        #expect(CreditCode.checkCharacter(forFirst17: "91350100M000100Y4") == "3")
    }

    @Test func checkCharacterIsNilForInputOutsideTheAlphabetOrOfWrongLength() {
        #expect(CreditCode.checkCharacter(forFirst17: "91350100M000100YI") == nil)
        #expect(CreditCode.checkCharacter(forFirst17: "91350100M000100Y") == nil)
        #expect(CreditCode.checkCharacter(forFirst17: "91350100M000100Y43") == nil)
    }

    @Test func alphabetHas31SymbolsWithoutIOSVZ() {
        #expect(CreditCode.alphabet.count == 31)
        #expect(Set(CreditCode.alphabet).count == 31)
        #expect(!CreditCode.alphabet.contains { "IOSVZ".contains($0) })
    }

    @Test func normalisesCaseAndWhitespace() throws {
        let code = try CreditCode(" 91350100m000100y43 ")
        #expect(code.value == "91350100M000100Y43")
    }

    @Test func acceptsUnusualLeadingCharactersWhenTheCheckHolds() throws {
        // given: authority and type codes outside today's lists
        let first17 = "Y9" + "430500" + "ABCDEFGH1"
        let check = try #require(CreditCode.checkCharacter(forFirst17: first17))
        // then
        #expect(try CreditCode(first17 + String(check)).registrationAuthority == "Y")
    }

    @Test func rejectsEmptyInput() {
        #expect(error(for: "") == .empty)
        #expect(error(for: " \t") == .empty)
    }

    @Test func rejectsWrongLength() {
        #expect(error(for: "91350100M000100Y4") == .wrongLength(expected: 18, actual: 17))
        #expect(error(for: "91350100M000100Y431") == .wrongLength(expected: 18, actual: 19))
    }

    @Test func rejectsSymbolsOutsideTheAlphabet() {
        #expect(error(for: "91350100M000100I43") == .invalidCharacter(position: 16))
        #expect(error(for: "O1350100M000100Y43") == .invalidCharacter(position: 1))
        #expect(error(for: "91350100M000100Y4Z") == .invalidCharacter(position: 18))
        #expect(error(for: "91350100M00-100Y43") == .invalidCharacter(position: 12))
    }

    @Test func rejectsAWrongCheckCharacterAndNamesTheRightOne() {
        #expect(error(for: "91350100M000100Y44") == .badCheckCharacter(expected: "3"))
    }

    @Test func codesAsASingleStringAndValidatesWhenDecoding() throws {
        let code = try CreditCode("91350100M000100Y43")
        let json = try JSONEncoder().encode(["provider": code])
        #expect(String(decoding: json, as: UTF8.self) == #"{"provider":"91350100M000100Y43"}"#)
        #expect(try JSONDecoder().decode([String: CreditCode].self, from: json) == ["provider": code])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CreditCode].self, from: Data(#"["91350100M000100Y44"]"#.utf8))
        }
    }

    @Test func makeBuildsTheKnownCode() {
        let code = CreditCode.make(authority: "9", type: "1", division: "350100", subject: "M000100Y4")
        #expect(code.value == "91350100M000100Y43")
    }

    // MARK: Properties

    static func randomCodes(seed: UInt64, count: Int) -> [CreditCode] {
        var generator = SplitMix64(seed: seed)
        let alphabet = CreditCode.alphabet
        let digits = Array("0123456789")
        return (0..<count).map { _ in
            CreditCode.make(
                authority: alphabet.randomElement(using: &generator)!,
                type: alphabet.randomElement(using: &generator)!,
                division: generator.string(of: 6, from: digits),
                subject: generator.string(of: 9, from: alphabet)
            )
        }
    }

    @Test func madeCodesRoundTripThroughValidation() throws {
        for code in Self.randomCodes(seed: 0x5EED_CC, count: 1_000) {
            let parsed = try CreditCode(code.value)
            #expect(parsed == code)
            let parts = "\(code.registrationAuthority)\(code.organisationType)\(code.divisionCode)\(code.subjectCode)"
            #expect(parts == String(code.value.prefix(17)))
        }
    }

    @Test func everySingleSubstitutionIsRejected() {
        // given
        var accepted: [String] = []
        var undetectedByCheck: [String] = []
        // when
        for code in Self.randomCodes(seed: 0xBADC0DE, count: 1_000) {
            let original = Array(code.value)
            for position in original.indices {
                for symbol in CreditCode.alphabet where symbol != original[position] {
                    var mutated = original
                    mutated[position] = symbol
                    let raw = String(mutated)
                    if (try? CreditCode(raw)) != nil { accepted.append(raw) }
                    // Weights are non-zero mod the prime 31, so one changed symbol always changes the check.
                    if position < 17, CreditCode.checkCharacter(forFirst17: String(mutated[0..<17])) == original[17] {
                        undetectedByCheck.append(raw)
                    }
                }
            }
        }
        // then
        #expect(accepted.isEmpty)
        #expect(undetectedByCheck.isEmpty)
    }
}
