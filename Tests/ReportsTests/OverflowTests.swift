import FixedPoint
import ModelIR
import Passes
import TensorIO
import Testing
@testable import Reports

@Suite struct OverflowTests {
    let t = FixedType.fixed(8, 4)  // [-8, 7.9375], LSB 1/16

    func exact(_ v: Double) -> ExactValue { ExactValue(v)! }

    @Test func valuesInsideTheRangeFit() {
        #expect(!OverflowCheck.overflows(exact(7.9375), t))
        #expect(!OverflowCheck.overflows(exact(-8), t))
        #expect(!OverflowCheck.overflows(exact(0), t))
        // Truncation keeps 7.96875 at 7.9375: no overflow.
        #expect(!OverflowCheck.overflows(exact(7.96875), t))
    }

    @Test func roundingUpAcrossTheTopOverflows() {
        #expect(OverflowCheck.overflows(exact(7.96875), t.with(quantization: .rnd)))
        #expect(OverflowCheck.overflows(exact(8), t))
        #expect(OverflowCheck.overflows(exact(-8.0625), t))
        // -8.03125 is -128.5 LSB: AP_RND ties toward +inf, to -128, which fits.
        #expect(!OverflowCheck.overflows(exact(-8.03125), t.with(quantization: .rnd)))
        #expect(OverflowCheck.overflows(exact(-8.03125), t))
        #expect(OverflowCheck.overflows(exact(1e30), t))
    }

    @Test func symmetricSaturationExcludesTheMostNegativeCode() {
        #expect(OverflowCheck.overflows(exact(-8), t.with(overflow: .satSym)))
        #expect(!OverflowCheck.overflows(exact(-7.9375), t.with(overflow: .satSym)))
    }

    @Test func unsignedTypesOverflowBelowZero() {
        let u = FixedType.ufixed(6, 3)  // [0, 7.875]
        #expect(OverflowCheck.overflows(exact(-0.125), u))
        // -0.0625 truncates to -0.125 (floor): overflow; rounding to nearest gives 0.
        #expect(OverflowCheck.overflows(exact(-0.0625), u))
        #expect(!OverflowCheck.overflows(exact(-0.0625), u.with(quantization: .rnd)))
        #expect(!OverflowCheck.overflows(exact(7.875), u))
    }

    @Test func outcomeFollowsTheOverflowMode() {
        #expect(OverflowCheck.outcome(exact(9), t) == .wrapped)
        #expect(OverflowCheck.outcome(exact(9), t.with(overflow: .sat)) == .saturated)
        #expect(OverflowCheck.outcome(exact(9), t.with(overflow: .satZero)) == .saturated)
        #expect(OverflowCheck.outcome(exact(9), t.with(overflow: .wrapSM)) == .wrapped)
        #expect(OverflowCheck.outcome(exact(1), t) == .fits)
    }

    @Test func aModelForcedToSaturateReportsTheFraction() throws {
        let graph = identityGraph(result: .fixed(8, 3, .trn, .sat))  // [-4, 3.96875]
        let model = try Pipeline.lower(graph)
        let ev = EventTable([-10, -5, -4, -1, 0, 1, 3, 5, 10].map { [$0] })
        let r = BitAccuracyAnalysis.run(graph: graph, model: model, events: ev)
        let y = try #require(r.layers.first { $0.tensor == "y" })
        #expect(y.values == 9)
        #expect(y.saturated == 4)  // -10, -5, 5, 10
        #expect(y.wrapped == 0)
        #expect(abs(y.saturatedFraction - 4.0 / 9) < 1e-12)
        #expect(y.usedFixed == ValueInterval(min: -4, max: 3.96875))
        #expect(y.error?.maxAbs == 10 - 3.96875)
        #expect(y.headroomBits == 3 - 5)  // 10 needs I = 5
        #expect(r.overflowingLayers.map(\.tensor) == ["y"])
        // The input type ap_fixed<16,8,AP_RND,AP_SAT> holds ±10: nothing saturates there.
        #expect(r.layers[0].saturated == 0)
    }

    @Test func aWrappingResultIsCountedAsWrapped() throws {
        let graph = identityGraph(result: .fixed(8, 3))
        let model = try Pipeline.lower(graph)
        let ev = EventTable([-10, 0, 1, 5].map { [$0] })
        let y = BitAccuracyAnalysis.run(graph: graph, model: model, events: ev).layers.last!
        #expect(y.wrapped == 2)
        #expect(y.saturated == 0)
        // 5 wraps to 5 - 8 = -3.
        #expect(y.usedFixed.min == -3)
    }

    @Test func inputConversionSaturationIsCounted() throws {
        let graph = identityGraph(result: .fixed(16, 8))
        let model = try Pipeline.lower(graph)
        // Input type ap_fixed<16,8,AP_RND,AP_SAT> holds [-128, 127.99].
        let r = BitAccuracyAnalysis.run(graph: graph, model: model, events: EventTable([[200], [1], [-500]]))
        #expect(r.layers[0].kind == "input")
        #expect(r.layers[0].saturated == 2)
    }
}
