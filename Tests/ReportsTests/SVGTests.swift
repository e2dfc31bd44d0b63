import Testing
@testable import Reports

@Suite struct SVGTests {
    @Test func niceTicksUseOneTwoFiveSteps() {
        let unit = Scale.niceTicks(0, 1, count: 5)
        #expect(unit.count == 6 && unit.first == 0 && abs(unit[1] - 0.2) < 1e-12 && abs(unit.last! - 1) < 1e-12)
        let t = Scale.niceTicks(-3.2, 7.9, count: 5)
        #expect(t == [-2, 0, 2, 4, 6])
        #expect(Scale.niceTicks(0, 1000, count: 4) == [0, 200, 400, 600, 800, 1000])
    }

    @Test func linearScaleMapsDomainToPixels() {
        let s = Scale(0, 10, pixels: (100, 300))
        #expect(s(0) == 100)
        #expect(s(5) == 200)
        #expect(s(10) == 300)
        // Far outside is clamped just beyond the edges.
        #expect(s(1000) == 304)
        // An inverted pixel range (a y axis) maps upward.
        let y = Scale(0, 1, pixels: (250, 50))
        #expect(y(0.25) == 200)
    }

    @Test func logScaleAndItsTicks() {
        let s = Scale(1e-3, 1, pixels: (0, 300), log: true)
        #expect(abs(s(1e-2) - 100) < 1e-9)
        #expect(s.ticks() == [1e-3, 1e-2, 1e-1, 1])
        // Non-positive values sit at the bottom instead of producing NaN.
        #expect(s(0) == 0)
    }

    @Test func degenerateScaleIsWidened() {
        let s = Scale(2, 2, pixels: (0, 100))
        #expect(s.lower < 2 && s.upper > 2)
        #expect(abs(s(2) - 50) < 1e-9)
    }

    @Test func labelsAreCompactAndDeterministic() {
        #expect(SVG.label(0) == "0")
        #expect(SVG.label(0.5) == "0.5")
        #expect(SVG.label(1234.5678) == "1235")
        #expect(SVG.label(0.012345) == "0.0123")
        #expect(SVG.label(2.5e-5) == "2.5e-05")
        #expect(SVG.label(1e-3) == "0.001")
        #expect(SVG.label(3e6) == "3e+06")
        #expect(SVG.label(.infinity) == "inf")
        #expect(SVG.coordinate(12.345) == "12.35")
        #expect(SVG.coordinate(7) == "7")
        #expect(SVG.coordinate(7.10) == "7.1")
    }

    @Test func textIsEscaped() {
        #expect(SVG.escape("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;")
    }

    @Test func polylineListsThePointsInPixels() {
        let f = PlotFrame(width: 200, height: 100, x: (0, 1), y: (0, 1), title: "t", xLabel: "x", yLabel: "y")
        // Plot area: x 62..186, y 56..28.
        let s = f.polyline([0, 1, .nan], [0, 1, 5], color: "#123")
        #expect(s == "<polyline fill=\"none\" stroke=\"#123\" stroke-width=\"1.6\" points=\"62,56 186,28\"/>")
        #expect(f.polyline([], [], color: "#000") == "")
    }

    @Test func scatterDrawsOneCirclePerFinitePoint() {
        let f = PlotFrame(x: (0, 1), y: (0, 1), title: "t", xLabel: "x", yLabel: "y")
        let s = f.scatter([ScatterPoint(x: 0, y: 0), ScatterPoint(x: 0.5, y: 0.5), ScatterPoint(x: .nan, y: 1)], color: "red")
        #expect(s.components(separatedBy: "<circle").count - 1 == 2)
    }

    @Test func barsSkipEmptyBins() {
        let f = PlotFrame(x: (0, 4), y: (0, 3), title: "t", xLabel: "x", yLabel: "y")
        let h = Histogram(lower: 0, upper: 4, counts: [1, 0, 3, 2])
        #expect(f.bars(h, color: "red").components(separatedBy: "<rect").count - 1 == 3)
        // A step outline has 2 points per bin plus the two ends.
        let steps = f.steps(h, color: "blue")
        let points = steps.split(separator: "\"").first { $0.contains(",") && $0.contains(" ") }!
        #expect(points.split(separator: " ").count == 2 * 4 + 2)
    }

    @Test func documentIsAStandaloneSVGWithAxes() {
        let f = PlotFrame(x: (0, 10), y: (0, 1), title: "Error <fixed>", xLabel: "x", yLabel: "y")
        let svg = f.document([f.verticalLine(at: 5, color: "#000", label: "cut")])
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>"))
        #expect(svg.contains("Error &lt;fixed&gt;"))
        #expect(svg.contains(">10</text>"))  // an x tick label
        #expect(svg.contains(">cut</text>"))
        #expect(!svg.contains("<script"))
    }

    @Test func legendHasOneEntryPerItem() {
        let f = PlotFrame(x: (0, 1), y: (0, 1), title: "t", xLabel: "x", yLabel: "y")
        let s = f.legend([("float", "#1", false), ("fixed", "#2", true)])
        #expect(s.components(separatedBy: "<line").count - 1 == 2)
        #expect(s.contains("stroke-dasharray"))
    }
}
