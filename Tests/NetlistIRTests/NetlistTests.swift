import FixedPoint
@testable import NetlistIR
import Testing

/// Intervals, scales and widths of hand-built netlists, and the interpreter
/// on every input of small ones against the arithmetic written out.
@Suite struct NetlistTests {
    static let s6 = FixedType.fixed(6, 3)   // signed, 3 fraction bits
    static let u5 = FixedType.ufixed(5, 2)  // unsigned, 3 fraction bits

    @Test func widthsComeFromIntervals() {
        #expect(Interval(-8, 7).width == 4 && Interval(-8, 7).isSigned)
        #expect(Interval(0, 7).width == 3 && !Interval(0, 7).isSigned)
        #expect(Interval(-1, 0).width == 1)
        #expect(Interval(0, 0).width == 1)
        #expect(Interval(-9, 0).width == 5)
        #expect(Interval.wrap(9, width: 4, signed: true) == -7)
        #expect(Interval.wrap(-1, width: 4, signed: false) == 15)
    }

    @Test func anAddAlignsScalesAndKeepsItsExactRange() {
        var n = Netlist()
        let x = n.addPort("x", type: Self.s6, size: 1)[0]    // [-32, 31] * 2^-3
        let y = n.addPort("y", type: Self.u5, size: 1)[0]    // [0, 31] * 2^-3
        let s = n.add(x, shift: 2, y, subtract: true, name: "s")
        #expect(n[s].scale == -3)
        #expect(n[s].interval == Interval(-128 - 31, 124))
        #expect(n[s].width == 9)
        n.outputs = [s]
        let run = Interpreter(n)
        for a in Self.s6.minRaw...Self.s6.maxRaw {
            for b in Self.u5.minRaw...Self.u5.maxRaw {
                #expect(run.evaluate([[a], [b]]) == [4 * a - b])
            }
        }
    }

    @Test func anAccumulatorWrapsWhereItsWordEnds() {
        var n = Netlist()
        let x = n.addPort("x", type: Self.s6, size: 3)
        // Every term is a multiple of 2^-2: the sum counts in those units, and
        // 6 bits of 2^-3 are 5 bits of 2^-2.
        let total = n.sum(x.map { Netlist.Term($0, shift: 1) }, wrap: (bits: 6, scale: -3), name: "acc")
        #expect(n[total].scale == -2)
        #expect(n[total].width == 5)
        n.outputs = [total]
        let run = Interpreter(n)
        for a in stride(from: Self.s6.minRaw, through: Self.s6.maxRaw, by: 3) {
            for b in stride(from: Self.s6.minRaw, through: Self.s6.maxRaw, by: 5) {
                #expect(run.evaluate([[a, b, 7]]) == [Int64(Interval.wrap(Int128(a + b + 7), width: 5, signed: true))])
            }
        }
    }

    /// A product without a multiplier equals the multiplier's on every
    /// pair of codes, for each mix of signed and unsigned operands; the
    /// quantized result too, and no multiply node is left.
    @Test(arguments: [(FixedType.fixed(5, 2), FixedType.fixed(4, 1)), (.ufixed(5, 2), .fixed(4, 1)),
                      (.fixed(6, 3), .ufixed(3, 3)), (.ufixed(4, 0), .ufixed(6, 2)), (.fixed(1, 1), .fixed(3, 0))])
    func aLogicProductEqualsTheMultiplier(ta: FixedType, tb: FixedType) {
        var n = Netlist()
        let a = n.addPort("a", type: ta, size: 1)[0]
        let b = n.addPort("b", type: tb, size: 1)[0]
        let hw = n.multiply(a, b, name: "hw")
        let logic = n.logicProduct(a, b, name: "lp")
        let out = FixedType.fixed(8, 3, .rnd, .sat)
        n.outputs = [n.quantize(hw, to: out, name: "qh"), n.quantize(logic, to: out, name: "ql"),
                     n.rescale(logic, by: n[hw].scale - n[logic].scale, name: "raw")]
        #expect(n[logic].scale == n[hw].scale)
        #expect(n[logic].interval.lo <= n[hw].interval.lo && n[hw].interval.hi <= n[logic].interval.hi)
        let run = Interpreter(n)
        for x in ta.minRaw...ta.maxRaw {
            for y in tb.minRaw...tb.maxRaw {
                let v = run.evaluate([[x], [y]])
                #expect(v[0] == v[1] && v[2] == x * y, "\(x) * \(y)")
            }
        }
        var alone = Netlist()
        let pa = alone.addPort("a", type: ta, size: 1)[0], pb = alone.addPort("b", type: tb, size: 1)[0]
        alone.outputs = [alone.logicProduct(pa, pb, name: "lp")]
        #expect(NetlistCost(alone).multipliers == 0)
    }

    @Test func aConstantProductIsItsSignedDigits() {
        var n = Netlist()
        let x = n.addPort("x", type: Self.s6, size: 1)[0]
        let p = n.constantProduct(x, -93, name: "p")
        n.outputs = [p]
        #expect(NetlistCost(n).adders == SignedDigits.csd(-93).count - 1)
        for a in Self.s6.minRaw...Self.s6.maxRaw { #expect(Interpreter(n).evaluate([[a]]) == [-93 * a]) }
    }

    /// Only bits something reads are counted: the low bits of `(a << k) + b`
    /// are `b`'s own wires, the bits above a wrap are never built, and a
    /// sign test reads every bit.
    @Test func theCostCountsOnlyTheBitsThatAreRead() {
        var n = Netlist()
        let x = n.addPort("x", type: Self.s6, size: 2)
        let s = n.add(x[0], shift: 2, x[1], name: "s")    // [-160, 155]: 9 bits, the low 2 are x1's
        #expect(n[s].width == 9)
        n.outputs = [s]
        #expect(NetlistCost(n).adders == 1)
        #expect(NetlistCost(n).adderBits == 9 - 2)
        let w = n.wrap(s, bits: 5, name: "w")
        n.outputs = [w]
        #expect(NetlistCost(n).adderBits == 5 - 2)
        // Wrapped to the shift's 2 bits: the adder is wiring.
        let low = n.wrap(s, bits: 2, name: "low")
        n.outputs = [low]
        #expect(NetlistCost(n).adders == 0)
        // max(s, 0) tests the sign: all 9 bits again, plus a mux per bit.
        let r = n.relu(s, name: "r")
        n.outputs = [r]
        #expect(NetlistCost(n).adderBits == 9 - 2)
        #expect(NetlistCost(n).muxBits == n[r].width)
    }

    /// A register read only as a ROM's address is counted apart (synthesis
    /// moves it into the ROM); read by anything else it is an ordinary one.
    @Test func aRegisterThatOnlyHoldsARomAddressIsCountedApart() {
        var n = Netlist()
        let x = n.addPort("x", type: Self.s6, size: 1)[0]
        let r = n.register(x, name: "r")
        let table = n.addTable(Table(name: "t", values: (0..<64).map { Int64($0 * 3) }, indexBits: 6, comment: ""))
        let y = n.lookup(table, index: n.offsetBinary(r, bits: 6, name: "i"), scale: -3, name: "y")
        n.outputs = [y]
        var c = NetlistCost(n)
        #expect(c.registerBits == 6 && c.addressRegisterBits == 6)
        #expect(c.romReads == [ROMRead(words: 64, bits: n[y].width, registeredAddress: true)])
        let s = n.add(r, y, name: "s")
        n.outputs = [s]
        c = NetlistCost(n)
        #expect(c.registerBits == 6 && c.addressRegisterBits == 0)
        #expect(c.romReads.map(\.registeredAddress) == [false])
    }

    @Test func aQuantizeThatCannotOverflowHasTheRoundedRange() throws {
        var n = Netlist()
        let x = n.addPort("x", type: Self.s6, size: 1)[0]
        let wide = try FixedType(signed: true, width: 8, integerBits: 5, quantization: .rnd, overflow: .sat)
        let q = n.quantize(x, to: wide, name: "q")
        // x / 8 rounded to 2^-3: the same codes, -32...31.
        #expect(n[q].interval == Interval(-32, 31))
        let narrow = try FixedType(signed: true, width: 4, integerBits: 3, quantization: .rnd, overflow: .sat)
        let r = n.quantize(x, to: narrow, name: "r")
        #expect(n[r].interval == Interval(-8, 7))
        n.outputs = [q, r]
        for a in Self.s6.minRaw...Self.s6.maxRaw {
            let v = ExactValue(a, of: Self.s6)
            #expect(Interpreter(n).evaluate([[a]]) == [wide.quantize(v), narrow.quantize(v)])
        }
    }

    @Test func pipeliningInsertsRegistersWithoutChangingValues() {
        var n = Netlist()
        let x = n.addPort("x", type: Self.s6, size: 8)
        let total = n.sum(x.map { Netlist.Term($0) }, name: "t")
        n.outputs = [total]
        n.outputType = FixedType.fixed(9, 6)
        // A budget of one 12-bit adder: the three adder levels (9, 10 and 11
        // bits) take a stage each; the last stage's output is registered.
        let (piped, latency) = Pipeline.run(n, budget: DelayModel.xc7.adder(width: 12), delay: .xc7)
        #expect(latency == 3)
        #expect(NetlistCost(piped).registerBits > 0)
        let values: [Int64] = [3, -7, 12, 31, -32, 0, 5, -1]
        #expect(Interpreter(piped).evaluate([values]) == [values.reduce(0, +)])
        #expect(VerilogPrinter.body(piped, outputPort: "y", ternaryAdder: "add3") == VerilogPrinter.body(piped, outputPort: "y", ternaryAdder: "add3"))
        #expect(VerilogPrinter.body(piped, outputPort: "y", ternaryAdder: "add3").contains("always @(posedge clk)"))
    }

    /// Each branch may assume its own sign of the test: the unselected one
    /// computes garbage that the select never passes on.
    @Test func aSelectTakesTheBranchOfTheSign() {
        var n = Netlist()
        let x = n.addPort("x", type: Self.s6, size: 1)[0]
        let neg = n.negate(n.assume(x, Interval(-32, -1), name: "m"), name: "n")
        let pos = n.assume(x, Interval(0, 31), name: "p")
        let s = n.select(x, negative: neg, otherwise: pos, name: "abs")
        #expect(n[s].interval == Interval(0, 32))
        n.outputs = [s]
        for a in Self.s6.minRaw...Self.s6.maxRaw { #expect(Interpreter(n).evaluate([[a]]) == [abs(a)]) }
    }
}

/// The width-aware delays the pipeliner cuts by.
@Suite struct DelayModelTests {
    @Test(arguments: DelayModel.Family.allCases)
    func anAdderIsSlowerOnlyWhenItsCarryCrossesAnotherBlock(family: DelayModel.Family) {
        let d = DelayModel.of(family)
        let block = family == .xc7 ? 4 : 8
        #expect(d.adder(width: 1) == d.adder(width: block))
        #expect(d.adder(width: block + 1) > d.adder(width: block))
        #expect(d.adder(width: 32) > d.adder(width: 16))
        // One more carry block costs far less than one more adder.
        #expect(d.adder(width: 32) - d.adder(width: 28) < d.adder(width: 4) / 4)
    }

    @Test func ultraScalePlusIsFasterThanSevenSeries() {
        for w in [4, 12, 18, 24, 40] { #expect(DelayModel.xcup.adder(width: w) < DelayModel.xc7.adder(width: w)) }
        #expect(DelayModel.xcup.stageBudget(clockNs: 5) > DelayModel.xc7.stageBudget(clockNs: 5))
    }

    /// Figures from the table in docs/verilog-backend.md.
    @Test func sevenSeriesFigures() {
        #expect(DelayModel.xc7.adder(width: 16) == 543 + 3 * 49 + 500)
        #expect(DelayModel.xc7.stageBudget(clockNs: 5) == 4_400)
        #expect(DelayModel.xc7.clockNs(stageBudget: 4_400) == 5)
        #expect(DelayModel.xcup.adder(width: 16) == 292 + 41 + 250)
    }

    @Test func romsOverSixAddressBitsAreDeeper() {
        let d = DelayModel.xc7
        #expect(d.rom(indexBits: 6) == d.lutLevel)
        #expect(d.rom(indexBits: 8) > d.rom(indexBits: 6))
        #expect(d.rom(indexBits: 10) > d.rom(indexBits: 8))
    }

    /// A quantize costs logic only for what can happen: a truncation of a
    /// value that always fits is wiring.
    @Test func aQuantizeCostsOnlyWhatItCanDo() {
        var n = Netlist()
        let x = n.addPort("x", type: FixedType.fixed(12, 4), size: 1)[0]
        let cut = n.quantize(x, to: FixedType.fixed(10, 4), name: "cut")
        let round = n.quantize(x, to: FixedType.fixed(10, 4, .rnd), name: "round")
        let even = n.quantize(x, to: FixedType.fixed(10, 4, .rndConv), name: "even")
        let sat = n.quantize(x, to: FixedType.fixed(8, 2, .trn, .sat), name: "sat")
        let d = DelayModel.xc7
        #expect(d.picoseconds(n[cut], in: n) == 0)
        // RND adds the first dropped bit: a wire into the increment's carry.
        #expect(d.picoseconds(n[round], in: n) == d.adder(width: QuantizePlan(source: n[x].interval, scale: n[x].scale,
                                                                                type: FixedType.fixed(10, 4, .rnd)).rounded.width))
        // RND_CONV needs a LUT for its condition first.
        #expect(d.picoseconds(n[even], in: n) == d.picoseconds(n[round], in: n) + d.lutLevel)
        #expect(d.picoseconds(n[sat], in: n) == 2 * d.lutLevel)
    }

    @Test func nanosecondsKeepThreeDecimals() {
        #expect(DelayModel.nanoseconds(4_400) == "4.400")
        #expect(DelayModel.nanoseconds(1_190) == "1.190")
        #expect(DelayModel.nanoseconds(7) == "0.007")
        #expect(DelayModel.nanoseconds(-1_500) == "-1.500")
    }
}
