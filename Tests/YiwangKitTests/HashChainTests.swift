import Foundation
import Testing
@testable import YiwangKit

@Suite struct HashChainTests {
    func chain(of payloads: [String]) -> [(payload: Data, hash: String)] {
        var previous = HashChain.genesis
        return payloads.map { text in
            let payload = Data(text.utf8)
            previous = HashChain.link(previous: previous, payload: payload)
            return (payload, previous)
        }
    }

    @Test func genesisIsSixtyFourZeros() {
        #expect(HashChain.genesis == String(repeating: "0", count: 64))
    }

    @Test func sha256MatchesTheStandardTestVector() {
        #expect(HashChain.sha256Hex(Data("abc".utf8))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func linkHashesPreviousNewlineAndPayload() {
        // Reference values from `printf '%s\nhello' 000…0 | sha256sum`.
        #expect(HashChain.link(previous: HashChain.genesis, payload: Data())
            == "827d096d92f3deeaa0e8070d79f45beb176768e57a958a1cd325f5f4b754b048")
        #expect(HashChain.link(previous: HashChain.genesis, payload: Data("hello".utf8))
            == "d78c26793f1dab63611ab1bb456558666a2c7585773cd470c31c147d02f837dc")
    }

    @Test func linkIsDeterministicAndDependsOnBothInputs() {
        let payload = Data(#"{"call":1}"#.utf8)
        let first = HashChain.link(previous: HashChain.genesis, payload: payload)
        #expect(first == HashChain.link(previous: HashChain.genesis, payload: payload))
        #expect(first != HashChain.link(previous: first, payload: payload))
        #expect(first != HashChain.link(previous: HashChain.genesis, payload: Data(#"{"call":2}"#.utf8)))
    }

    @Test func intactChainHasNoBrokenLink() {
        #expect(HashChain.firstBrokenLink(in: chain(of: (0..<10).map { "record \($0)" })) == nil)
        #expect(HashChain.firstBrokenLink(in: []) == nil)
    }

    @Test func tamperedPayloadIsReportedAtItsIndex() {
        // given
        var records = chain(of: (0..<10).map { "record \($0)" })
        // when
        records[4].payload = Data("record 4, edited".utf8)
        // then
        #expect(HashChain.firstBrokenLink(in: records) == 4)
    }

    @Test func tamperedHashIsReportedAtItsIndex() {
        // given
        var records = chain(of: (0..<10).map { "record \($0)" })
        // when
        records[6].hash = HashChain.sha256Hex(Data("forged".utf8))
        // then
        #expect(HashChain.firstBrokenLink(in: records) == 6)
    }

    @Test func removedRecordIsReportedWhereTheGapIs() {
        var records = chain(of: (0..<10).map { "record \($0)" })
        records.remove(at: 3)
        #expect(HashChain.firstBrokenLink(in: records) == 3)
    }

    @Test func continuesFromAGivenPreviousHash() {
        // given: a log checked in two parts
        let records = chain(of: (0..<6).map { "record \($0)" })
        // then
        #expect(HashChain.firstBrokenLink(in: Array(records[3...]), startingFrom: records[2].hash) == nil)
        #expect(HashChain.firstBrokenLink(in: Array(records[3...])) == 0)
    }
}
