// libFuzzer target: arbitrary bytes as a CSV event file, read as
// CSVTable.read reads one (UTF-8 check, then CSVTable.parse). Any failure
// must be a TensorIOError naming the file; a table read must hold only
// finite values, `rows * columns` of them, with at least one row and one
// column; it must be accepted with its own column count and refused with
// another; and its CSV text must read back to the same values.
// A trap, a crash, a stack overflow or a hang is a finding.
// Built and run by scripts/fuzz.sh; see docs/hardening.md.
import Foundation
import TensorIO

@_cdecl("LLVMFuzzerTestOneInput")
public func csvReaderFuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    // CSVTable.read refuses bytes that are not UTF-8 before parsing.
    guard let text = String(data: data, encoding: .utf8) else { return 0 }
    let table: EventTable
    do throws(TensorIOError) {
        table = try CSVTable.parse(text, file: "fuzz.csv")
    } catch {
        precondition(error.file == "fuzz.csv" && error.description.hasPrefix("fuzz.csv"), "unlocated error: \(error)")
        return 0
    }
    precondition(table.rows > 0 && table.columns > 0, "an empty table was read: \(table.rows) x \(table.columns)")
    precondition(table.values.count == table.rows * table.columns, "ragged table")
    precondition(table.values.allSatisfy(\.isFinite), "a non-finite value was read")
    do throws(TensorIOError) {
        let again = try CSVTable.parse(text, file: "fuzz.csv", expectedColumns: table.columns)
        precondition(again == table, "the same text read differently with its column count given")
    } catch {
        preconditionFailure("refused with its own column count: \(error)")
    }
    do throws(TensorIOError) {
        _ = try CSVTable.parse(text, file: "fuzz.csv", expectedColumns: table.columns + 1)
        preconditionFailure("accepted with a wrong column count")
    } catch {
        precondition(error.file == "fuzz.csv", "unlocated error: \(error)")
    }
    do throws(TensorIOError) {
        let written = try CSVTable.parse(CSVTable.format(table), file: "fuzz.csv")
        precondition(written.rows == table.rows && written.columns == table.columns && written.values == table.values,
                     "format then parse changed the table")
    } catch {
        preconditionFailure("its own CSV text is refused: \(error)")
    }
    return 0
}
