import Testing
import TensorIO

struct CSVTableTests {
    static func error(_ text: String) -> String? {
        do {
            _ = try CSVTable.parse(text, file: "x.csv")
            return nil
        } catch {
            return error.description
        }
    }

    /// Windows line endings: "\r\n" is one Swift Character, which a split
    /// on "\n" never finds; `'4\r\n5' is not a number` was the result.
    @Test func crlfAndCRLineEndingsAreRead() throws {
        let lf = try CSVTable.parse("a,b\n1,2\n3,4\n", file: "x.csv")
        #expect(try CSVTable.parse("a,b\r\n1,2\r\n3,4\r\n", file: "x.csv") == lf)
        #expect(try CSVTable.parse("a,b\r1,2\r3,4", file: "x.csv") == lf)
        #expect(try CSVTable.parse("1,2\r\n\r\n3,4", file: "x.csv").values == [1, 2, 3, 4])
        #expect(Self.error("1,2\r\n3,x\r\n") == "x.csv:2: column 2: 'x' is not a number")
    }

    @Test func anotherSeparatorIsNamedWithItsLine() throws {
        #expect(Self.error("1;2\n3;4\n") == "x.csv:1: values are separated by ';'; use ',' (one event a line, comma-separated)")
        #expect(Self.error("a;b\n1.5; -2\n") == "x.csv:2: values are separated by ';'; use ',' (one event a line, comma-separated)")
        #expect(Self.error("# tab\n1\t2\n") == "x.csv:2: values are separated by tabs; use ',' (one event a line, comma-separated)")
        #expect(Self.error("1 | 2\n") == "x.csv:1: values are separated by '|'; use ',' (one event a line, comma-separated)")
        #expect(Self.error("1e3  -2\n") == "x.csv:1: values are separated by spaces; use ',' (one event a line, comma-separated)")
        // One column of numbers, and a one-column header with a space, are fine.
        #expect(try CSVTable.parse("pt jet\n1\n2\n", file: "x.csv").values == [1, 2])
    }

    @Test func decimalSpellingsAreRead() throws {
        let t = try CSVTable.parse("a,b,c\n-1,2.5,.5\n3.,+1e-3,-2E2\n", file: "x.csv")
        #expect(t.rows == 2 && t.columns == 3)
        #expect(t.values == [-1, 2.5, 0.5, 3, 0.001, -200])
    }

    @Test(arguments: ["0x1p3", "0x10", "1_000", "1e", "e5", ".", "-", "1.2.3", "١٢"])
    func nonDecimalSpellingsAreRefused(spelling: String) {
        #expect(Self.error("1,2\n\(spelling),4\n") == "x.csv:2: column 1: '\(spelling)' is not a number")
    }

    @Test(arguments: ["nan", "-inf", "Infinity", "1e999"])
    func nonFiniteValuesAreNamedAsSuch(spelling: String) {
        #expect(Self.error("1,2\n\(spelling),4\n") == "x.csv:2: column 1: \(spelling) is not a finite number")
    }

    @Test func aHeaderIsOnlyTakenFromANonNumericFirstLine() throws {
        #expect(try CSVTable.parse("pt,eta\n1,2\n", file: "x.csv").rows == 1)
        // A first line starting with nan or a hex float is data (and refused), not a header.
        #expect(Self.error("nan,1\n1,2\n") == "x.csv:1: column 1: nan is not a finite number")
        #expect(Self.error("NaN,1\n1,2\n") == "x.csv:1: column 1: NaN is not a finite number")
        #expect(Self.error("0x1p3,1\n1,2\n") == "x.csv:1: column 1: '0x1p3' is not a number")
    }

    /// A header names its columns: a first line with any field that reads or
    /// starts like a number is an event, and a mistyped one is an error at
    /// line 1, never an event silently dropped as a header.
    @Test(arguments: ["\u{2212}1", "\"1\"", "'1'", "1_0", "1.5e", "+.5x", "-x"])
    func aMistypedFirstEventIsAnErrorNotAHeader(first: String) {
        let message = Self.error("\(first),2,3,4\n5,6,7,8\n")
        #expect(message?.hasPrefix("x.csv:1: column 1: '\(first)' is not a number") == true, "\(message ?? "read")")
    }

    @Test func aFirstLineWithAnyNumberIsNotAHeader() {
        #expect(Self.error("pt,2,eta\n1,2,3\n")?.hasPrefix("x.csv:1: column 1: 'pt' is not a number") == true)
        #expect(Self.error("\"pt\",\"2\"\n1,2\n")?.hasPrefix("x.csv:1: column 1: '\"pt\"' is not a number (quoted values are not read") == true)
        #expect(Self.error("pt,nan\n1,2\n") != nil)
    }

    @Test func namesQuotedOrWithAnEmptyIndexColumnAreAHeader() throws {
        #expect(try CSVTable.parse("\"pt\",\"eta\"\n1,2\n", file: "x.csv").values == [1, 2])
        #expect(try CSVTable.parse(",pt,eta\n0,1,2\n", file: "x.csv").values == [0, 1, 2])
        #expect(try CSVTable.parse("# units: GeV\njet pt,e1\n1,2\n", file: "x.csv").values == [1, 2])
        #expect(Self.error(",,\n1,2,3\n") != nil)
    }
}
