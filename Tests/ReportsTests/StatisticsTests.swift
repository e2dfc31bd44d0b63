import Testing
@testable import Reports

@Suite struct StatisticsTests {
    @Test func errorStatisticsOfAHandMadeCase() {
        // errors fixed - float: +0.5, 0, -1
        let s = ErrorStats(float: [1, 2, 3], fixed: [1.5, 2, 2])
        #expect(s.count == 3)
        #expect(s.maxAbs == 1)
        #expect(abs(s.rms - (1.25 / 3).squareRoot()) < 1e-15)
        #expect(abs(s.mean - (-0.5 / 3)) < 1e-15)
    }

    @Test func emptyStatisticsAreZero() {
        #expect(ErrorStats(float: [], fixed: []) == ErrorStats(count: 0, maxAbs: 0, rms: 0, mean: 0))
    }

    @Test func histogramCountsEveryValueIncludingOutOfRange() {
        let h = Histogram([-1, 0, 0.1, 0.5, 0.99, 1, 2], bins: 4, lower: 0, upper: 1)
        #expect(h.counts == [2, 0, 1, 2])  // [0,.25): 0, 0.1; [.5,.75): .5; [.75,1]: .99, 1
        #expect(h.underflow == 1)
        #expect(h.overflow == 1)
        #expect(h.total == 7)
        #expect(h.edge(2) == 0.5)
    }

    @Test func symmetricHistogramIsCentredOnZero() {
        let h = Histogram([-0.25, 1], bins: 2, symmetric: true)
        #expect(h.lower == -1 && h.upper == 1)
        #expect(h.counts == [1, 1])
    }

    @Test func degenerateHistogramRangeIsWidened() {
        let h = Histogram([3, 3, 3], bins: 3)
        #expect(h.lower == 2.5 && h.upper == 3.5)
        #expect(h.counts == [0, 3, 0])
    }

    @Test func integerBitsNeededCountsTheSignBit() {
        #expect(integerBitsNeeded(maxAbs: 3.5, signed: true) == 3)   // ap_fixed<W,3> holds [-4, 4)
        #expect(integerBitsNeeded(maxAbs: 4, signed: true) == 4)
        #expect(integerBitsNeeded(maxAbs: 3.5, signed: false) == 2)  // ap_ufixed<W,2> holds [0, 4)
        #expect(integerBitsNeeded(maxAbs: 0.3, signed: true) == 0)   // [-0.5, 0.5)
        #expect(integerBitsNeeded(maxAbs: 0, signed: true) == nil)
    }

    @Test func rangeAccumulatorQuantileOfExponents() {
        var r = RangeAccumulator()
        for v in [0.0, 0.001, 0.5, 0.75, -3, 6] { r.add(v) }
        #expect(r.min == -3 && r.max == 6)
        #expect(r.maxAbs == 6)
        #expect(r.zeros == 1)
        #expect(r.exponents == [-10: 1, -1: 2, 1: 1, 2: 1])
        #expect(r.exponentQuantile(0.01) == -10)
        #expect(r.exponentQuantile(0.5) == -1)
    }
}
