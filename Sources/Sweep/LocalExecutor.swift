import Foundation
import Toolchain

/// Runs points on this machine, up to ``jobs`` at once, each in a child
/// process of the tool itself (`hepml-compile sweep-point`): a point that
/// crashes or is killed is one failed row, and the sweep goes on.
public struct LocalExecutor: Sendable {
    /// The tool's own executable (`/proc/self/exe`: the running binary, even if replaced on disk since).
    public var executable = "/proc/self/exe"
    public var jobs: Int

    public init(jobs: Int) { self.jobs = max(1, jobs) }

    /// Evaluates `points` and hands each result to `record` as it comes (on the calling task).
    public func run(_ points: [PlannedPoint], planFile: String, progress: SweepProgress,
                    record: (PlannedPoint, PointResult) throws(SweepError) -> Void) async throws(SweepError) {
        var failure: SweepError?
        var meter = progress
        await withTaskGroup(of: (PlannedPoint, PointResult).self) { group in
            var next = 0
            func start() {
                let point = points[next]
                next += 1
                let executable = self.executable
                group.addTask { (point, await Self.runChild(executable, planFile: planFile, key: point.key)) }
            }
            while next < min(jobs, points.count) { start() }
            while let (point, result) = await group.next() {
                do throws(SweepError) {
                    try record(point, result)
                } catch {
                    failure = error
                    group.cancelAll()
                    break
                }
                meter.finished(result)
                if next < points.count && !Task.isCancelled { start() }
            }
        }
        if let failure { throw failure }
    }

    /// One point in a child process; its standard output is the result as JSON.
    static func runChild(_ executable: String, planFile: String, key: String) async -> PointResult {
        let start = Date()
        do {
            let run = try await ToolRunner.run(executable, ["sweep-point", "--plan", planFile, "--key", key],
                                               installHint: "the hepml-compile executable could not be started again")
            return PointResultText.parse(run.standardOutput)
                ?? .failure("the point's process printed no result: \(ToolRunner.firstErrorLines(run.standardError))", exitCode: 4,
                            seconds: Date().timeIntervalSince(start))
        } catch {
            let seconds = Date().timeIntervalSince(start)
            switch error {
            case let .failed(_, code, _, firstLines):
                let how = code > 128 ? "was killed by signal \(code - 128)" : "ended with exit code \(code)"
                return .failure("the point's process \(how): \(firstLines)", exitCode: Int(code), seconds: seconds)
            default:
                return .failure("the point's process could not run: \(error)", exitCode: 4, seconds: seconds)
            }
        }
    }
}

/// A point's result as the text a child process or Slurm task writes.
public enum PointResultText {
    public static func text(_ result: PointResult) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Strings, numbers and booleans only: encoding cannot fail (NaN is written as a string).
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: (try? encoder.encode(result)) ?? Data(), as: UTF8.self) + "\n"
    }

    public static func parse(_ text: String) -> PointResult? {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try? decoder.decode(PointResult.self, from: Data(text.utf8))
    }
}

/// Progress lines: points done, failed and left.
public struct SweepProgress: Sendable {
    public var total: Int
    public var done = 0
    public var failed = 0
    public var report: @Sendable (String) -> Void

    public init(total: Int, report: @escaping @Sendable (String) -> Void) {
        self.total = total
        self.report = report
    }

    mutating func finished(_ result: PointResult) {
        done += 1
        if result.status == .failed { failed += 1 }
        report("sweep: \(done)/\(total) points evaluated" + (failed > 0 ? " (\(failed) failed)" : ""))
    }
}
