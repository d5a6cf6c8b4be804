import YiwangKit
import Testing

@Suite struct SplitMix64Tests {
    @Test func producesTheReferenceSequenceForSeedZero() {
        // given
        var generator = SplitMix64(seed: 0)
        // when
        let outputs = (0..<3).map { _ in generator.next() }
        // then: the published first outputs of SplitMix64 seeded with 0
        #expect(outputs == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
    }

    @Test func sameSeedGivesSameSequence() {
        var first = SplitMix64(seed: 42)
        var second = SplitMix64(seed: 42)
        #expect((0..<100).map { _ in first.next() } == (0..<100).map { _ in second.next() })
    }
}
