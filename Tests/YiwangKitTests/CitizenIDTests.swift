import Foundation
import Testing
@testable import YiwangKit

@Suite struct CitizenIDTests {
    let today = day("2026-01-01")

    /// The first 17 digits followed by their correct check character.
    func withCheck(_ first17: String) -> String {
        first17 + String(CitizenID.checkCharacter(forFirst17: first17))
    }

    func error(for raw: String) -> IdentifierError? {
        do {
            _ = try CitizenID(raw, today: today)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Known-good numbers

    @Test func acceptsTheStandardsExampleWithCheckX() throws {
        // when
        let id = try CitizenID("11010519491231002X", today: today)
        // then
        #expect(id.value == "11010519491231002X")
        #expect(id.divisionCode == "110105")
        #expect(id.birthDate == day("1949-12-31"))
        #expect(id.sex == .female)
    }

    @Test func acceptsTheStandardsExampleBornIn1880() throws {
        let id = try CitizenID("440524188001010014", today: today)
        #expect(id.divisionCode == "440524")
        #expect(id.birthDate == day("1880-01-01"))
        #expect(id.sex == .male)
    }

    @Test func computesTheCheckCharactersOfTheKnownNumbers() {
        #expect(CitizenID.checkCharacter(forFirst17: "11010519491231002") == "X")
        #expect(CitizenID.checkCharacter(forFirst17: "44052418800101001") == "4")
    }

    @Test func normalisesLowerCaseXAndSurroundingWhitespace() throws {
        // when
        let id = try CitizenID("  11010519491231002x\n", today: today)
        // then
        #expect(id.value == "11010519491231002X")
        #expect(id == (try CitizenID("11010519491231002X", today: today)))
    }

    @Test func acceptsSomeoneBornToday() throws {
        let id = try CitizenID(withCheck("43050220260101001"), today: today)
        #expect(id.birthDate == today)
    }

    @Test func acceptsALeapDayBirth() throws {
        let id = try CitizenID(withCheck("43050220000229001"), today: today)
        #expect(id.birthDate == day("2000-02-29"))
    }

    @Test func acceptsRetiredCountyCodes() throws {
        // 邵东县 430521 became 邵东市 430582 in 2019; old numbers keep the old code.
        let id = try CitizenID(withCheck("43052119800101001"), today: today)
        #expect(id.divisionCode == "430521")
    }

    // MARK: Every error case

    @Test func rejectsEmptyInput() {
        #expect(error(for: "") == .empty)
        #expect(error(for: "   ") == .empty)
    }

    @Test func rejectsWrongLength() {
        #expect(error(for: "11010519491231002") == .wrongLength(expected: 18, actual: 17))
        #expect(error(for: "110105194912310021X") == .wrongLength(expected: 18, actual: 19))
        #expect(error(for: "110105491231002") == .wrongLength(expected: 18, actual: 15))
    }

    @Test func rejectsInvalidCharactersWithTheirPosition() {
        #expect(error(for: "11010519491231002A") == .invalidCharacter(position: 18))
        #expect(error(for: "1101051949123100X2") == .invalidCharacter(position: 17))
        #expect(error(for: "X10105194912310021") == .invalidCharacter(position: 1))
        #expect(error(for: "110105 19491231002") == .invalidCharacter(position: 7))
        #expect(error(for: "１10105194912310021") == .invalidCharacter(position: 1))
    }

    @Test func rejectsAWrongCheckCharacterAndNamesTheRightOne() {
        #expect(error(for: "110105194912310021") == .badCheckCharacter(expected: "X"))
        #expect(error(for: "440524188001010015") == .badCheckCharacter(expected: "4"))
    }

    @Test(arguments: ["19990230", "20230229", "19991301", "19990001", "19990100", "00000101", "19000229"])
    func rejectsImpossibleBirthDates(date: String) {
        // given: a number whose check character is right, so only the date is wrong
        let raw = withCheck("430502" + date + "001")
        // then
        #expect(error(for: raw) == .impossibleBirthDate)
    }

    @Test func rejectsAFutureBirthDate() {
        // given
        let raw = withCheck("43050220260102001")
        // then: one day after `today`
        #expect(error(for: raw) == .futureBirthDate)
        #expect((try? CitizenID(raw, today: day("2026-01-02"))) != nil)
    }

    @Test(arguments: ["00", "10", "16", "20", "24", "30", "38", "40", "47", "49", "55", "60", "66", "70", "72", "80", "83", "99"])
    func rejectsUnknownProvincePrefixes(prefix: String) {
        let raw = withCheck(prefix + "050219800101001")
        #expect(error(for: raw) == .unknownDivision(prefix + "0502"))
    }

    @Test func acceptsEveryProvincePrefixOfTheStandard() {
        let prefixes = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
                        50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82]
        for prefix in prefixes {
            #expect((try? CitizenID(withCheck("\(prefix)010119800101001"), today: today)) != nil, "prefix \(prefix)")
        }
    }

    // MARK: Derived fields, masking, coding

    @Test func derivesSexFromTheParityOfTheSequence() {
        let male = CitizenID.make(division: "430502", birthDate: day("1990-05-17"), sequence: 123)
        let female = CitizenID.make(division: "430502", birthDate: day("1990-05-17"), sequence: 124)
        #expect(male.sex == .male)
        #expect(female.sex == .female)
        #expect(CitizenID.Sex.allCases == [.male, .female])
    }

    @Test func masksByDefaultWhenPrinted() throws {
        // given
        let id = try CitizenID("11010519491231002X", today: today)
        // then: interpolation into a log line never shows the full number
        #expect(id.masked == "110105********002X")
        #expect("\(id)" == "110105********002X")
        #expect(String(reflecting: id) == "CitizenID(110105********002X)")
    }

    @Test func encodesAsASingleStringAndValidatesWhenDecoding() throws {
        // given
        let id = try CitizenID("11010519491231002X", today: today)
        // when
        let json = try JSONEncoder().encode([id])
        // then
        #expect(String(decoding: json, as: UTF8.self) == #"["11010519491231002X"]"#)
        #expect(try JSONDecoder().decode([CitizenID].self, from: json) == [id])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CitizenID].self, from: Data(#"["110105194912310021"]"#.utf8))
        }
    }

    @Test func makeBuildsTheKnownNumber() {
        let id = CitizenID.make(division: "110105", birthDate: day("1949-12-31"), sequence: 2)
        #expect(id.value == "11010519491231002X")
    }

    // MARK: Properties

    static let provincePrefixes = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35",
                                   "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54",
                                   "61", "62", "63", "64", "65", "71", "81", "82"]
    static let digits = Array("0123456789")

    static func randomNumbers(seed: UInt64, count: Int) -> [(id: CitizenID, division: String, birth: Day, sequence: Int)] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let division = provincePrefixes.randomElement(using: &generator)!
                + generator.string(of: 4, from: digits)
            let birth = generator.day(in: day("1900-01-01")...day("2025-12-31"))
            let sequence = Int.random(in: 0...999, using: &generator)
            return (CitizenID.make(division: division, birthDate: birth, sequence: sequence), division, birth, sequence)
        }
    }

    @Test func madeNumbersRoundTripThroughValidation() throws {
        for sample in Self.randomNumbers(seed: 0x5EED_1D, count: 1_000) {
            // when
            let parsed = try CitizenID(sample.id.value, today: today)
            // then
            #expect(parsed == sample.id)
            #expect(parsed.divisionCode == sample.division)
            #expect(parsed.birthDate == sample.birth)
            #expect(parsed.sex == (sample.sequence.isMultiple(of: 2) ? .female : .male))
        }
    }

    @Test func everySingleSubstitutionIsRejected() {
        // given
        let symbols = Self.digits + ["X"]
        var accepted: [String] = []
        var undetectedByCheck: [String] = []
        // when
        for sample in Self.randomNumbers(seed: 0xC0FFEE, count: 1_000) {
            let original = Array(sample.id.value)
            for position in original.indices {
                for symbol in symbols where symbol != original[position] {
                    var mutated = original
                    mutated[position] = symbol
                    let raw = String(mutated)
                    if (try? CitizenID(raw, today: today)) != nil { accepted.append(raw) }
                    // The MOD 11-2 weights are all non-zero mod the prime 11, so any change to
                    // one of the first 17 digits changes the check character.
                    if position < 17, symbol != "X",
                       CitizenID.checkCharacter(forFirst17: String(mutated[0..<17])) == original[17] {
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
