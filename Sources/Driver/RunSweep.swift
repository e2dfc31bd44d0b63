import FileSafety
import InputFiles
import Foundation
import ModelIR
import Reports
import Sweep
import Templates
import TensorIO

/// `hepml-compile sweep`: the spec, the folder and how to run the points.
public struct SweepOptions: Sendable {
    /// sweep.json (docs/sweep.md).
    public var spec: String
    /// The sweep folder: its database persists across runs.
    public var out: String
    /// `local` or `slurm`.
    public var executor = "local"
    /// Points at once (local); nil: the core count.
    public var jobs: Int?
    /// yosys per op module instead of the netlist estimate.
    public var synthesize = false
    /// Seconds yosys may take per point.
    public var synthesisBudget = 600.0
    /// Evaluate again the points whose stored result is a failure.
    public var retryFailed = false
    /// Slurm settings (``SlurmSettings``).
    public var slurm = SlurmSettings()

    public init(spec: String, out: String) {
        self.spec = spec
        self.out = out
    }
}

/// What a sweep did.
public struct SweepRunResult: Sendable {
    public var points: Int
    /// Evaluated by this run.
    public var evaluated: Int
    /// Taken from the database.
    public var reused: Int
    /// Points whose stored result is a failure.
    public var failed: Int
    public var files: [String]

    public var lines: [String] {
        ["sweep: \(points) points: \(evaluated) evaluated now, \(reused) from the database, \(failed) failed"]
            + files.map { "wrote \($0)" }
    }
}

extension CompilerDriver {
    /// Runs a sweep: checks the spec and every point's settings against the
    /// model, evaluates the points the database lacks (locally or as a
    /// Slurm job array), records each as it finishes, then writes
    /// results.csv and pareto.html from the database.
    public static func sweep(_ options: SweepOptions, console: Console = .standard) async throws(DriverError) -> SweepRunResult {
        guard options.executor == "local" || options.executor == "slurm" else {
            throw .option("--executor must be local or slurm, not '\(options.executor)'")
        }
        if let jobs = options.jobs, jobs < 1 { throw .option("--jobs must be at least 1, got \(jobs)") }
        guard options.synthesisBudget > 0 else { throw .option("--synthesis-budget must be positive") }
        if options.executor == "slurm" { try sweepStep { () throws(SweepError) in try options.slurm.check() } }
        let spec = try sweepStep { () throws(SweepError) in try SweepSpec.load(path: options.spec) }
        let inputs = [options.spec, spec.model, spec.events] + (spec.labels.map { [$0] } ?? [])
        if let reason = OutputWriter.forbiddenReason(options.out, inputs: inputs, environment: ProcessInfo.processInfo.environment) {
            throw .refused(.refused(path: options.out, reason: reason))
        }
        guard let part = FPGAPart.named(spec.part) else {
            throw .option("\(options.spec): part: unknown part '\(spec.part)'; known: " + FPGAPart.known.map(\.name).joined(separator: ", "))
        }
        // Every point's settings are checked against the model before anything runs.
        // The model is read as every command reads it (model.json, QONNX, a forest).
        let graph = try readGraph(path: spec.model)
        for point in spec.points { _ = try sweepStep { () throws(SweepError) in try PointModel(point, graph: graph, specFile: options.spec) } }

        let folder = try sweepStep { () throws(SweepError) in try SweepFolder(options.out) }
        let database = try sweepStep { () throws(SweepError) in try ResultsDatabase(path: folder.database) }
        let jobs = options.jobs ?? Parallel.defaultThreads
        let threads = options.executor == "local" ? max(1, Parallel.defaultThreads / jobs) : 1
        let plan = try sweepStep { () throws(SweepError) in
            try SweepPlan.make(spec, synthesize: options.synthesize, synthesisBudget: options.synthesisBudget, threads: threads,
                               toolVersion: SweepPlan.toolVersion())
        }
        let planFile = folder.planFile(plan)
        do { try OutputFile.write(plan.json, to: planFile) } catch { throw .refused(error) }

        let gathered = try sweepStep { () throws(SweepError) in try LeftoverResults.gather(plan.points, folder: folder, database: database) }
        if gathered > 0 { console.line("sweep: gathered \(gathered) result(s) that tasks of an earlier run wrote after it stopped") }
        let stored = try sweepStep { () throws(SweepError) in try database.statuses(plan.points.map(\.key)) }
        let pending = plan.points.filter { p in
            switch stored[p.key] {
            case nil: return true
            case .failed?: return options.retryFailed
            case .done?: return false
            }
        }
        console.line("sweep: \(plan.points.count) points, \(plan.points.count - pending.count) already in \(folder.database), "
            + "\(pending.count) to evaluate (\(options.executor))")
        let progress = SweepProgress(total: pending.count) { line in console.line(line) }
        let record = { (point: PlannedPoint, result: PointResult) throws(SweepError) in
            try database.record(key: point.key, settings: point.settings, result: result)
        }
        if !pending.isEmpty {
            if options.executor == "local" {
                try await sweepStep { () async throws(SweepError) in
                    try await LocalExecutor(jobs: jobs).run(pending, planFile: planFile, progress: progress, record: record)
                }
            } else {
                try await sweepStep { () async throws(SweepError) in
                    try await SlurmExecutor(settings: options.slurm).run(pending, planFile: planFile, folder: folder, progress: progress, record: record)
                }
            }
        }
        database.checkpoint()

        let points = try sweepStep { () throws(SweepError) in try database.points(plan.points.map(\.key)) }
        var report = SweepReport(model: graph.name, spec: options.spec, part: part.name, database: folder.database, points: points,
                                 total: plan.points.count)
        report.chosenKey = spec.chosen.flatMap { c in plan.points.first { $0.settings == c }?.key }
        let html: String
        do { html = try report.html(templates: TemplateLibrary.locate()) } catch { throw DriverError(emitting: error) }
        let files = [(path: "results.csv", contents: report.csv), (path: "pareto.html", contents: html)]
        do { try FolderReplacement.replace(folder.report, with: files, force: false) } catch { throw .refused(error) }
        let failed = points.filter { $0.result.status == .failed }.count
        return SweepRunResult(points: plan.points.count, evaluated: pending.count, reused: plan.points.count - pending.count,
                              failed: failed, files: files.map { folder.report + "/" + $0.path })
    }

    /// `hepml-compile sweep-point` (run by the sweep itself, never by hand):
    /// evaluates point `key` of the plan and returns its result as JSON,
    /// a failure included; throws only when the plan cannot be read.
    public static func sweepPoint(plan path: String, key: String, output: String?) async throws(DriverError) -> String {
        let plan = try sweepStep { () throws(SweepError) in try SweepPlan.read(path: path) }
        guard let point = plan.point(key: key) else { throw .option("\(path): no point with key \(key)") }
        let result: PointResult
        do throws(SweepError) {
            let modelHash = try SweepPlan.fileHash(plan.model)
            guard modelHash == plan.inputHashes.first else {
                throw SweepError.input("\(plan.model) changed since the sweep was planned; run the sweep again")
            }
            let graph: Graph
            do { graph = try readGraph(path: plan.model) } catch { throw SweepError.input(error.description) }
            let inputs = try SweepInputs.load(graph: graph, events: plan.events, labels: plan.labels, maxEvents: plan.maxEvents,
                                              threads: plan.threads)
            guard let part = FPGAPart.named(plan.part) else { throw SweepError.input("\(path): unknown part \(plan.part)") }
            var evaluator = PointEvaluator(inputs: inputs, specFile: plan.specFile, part: part, backgroundAcceptance: plan.backgroundAcceptance)
            evaluator.synthesize = plan.synthesize
            evaluator.synthesisBudget = plan.synthesisBudget
            evaluator.threads = plan.threads
            result = await evaluator.evaluate(point.settings)
        } catch {
            result = .failure(error.description, exitCode: 2)
        }
        let text = PointResultText.text(result)
        if let output {
            do { try OutputFile.write(text, to: output) } catch { throw .refused(error) }
        }
        return text
    }

    /// Runs a step of the Sweep module, mapping its error.
    static func sweepStep<T>(_ body: () throws(SweepError) -> T) throws(DriverError) -> T {
        do { return try body() } catch { throw DriverError(error) }
    }

    static func sweepStep<T>(_ body: () async throws(SweepError) -> T) async throws(DriverError) -> T {
        do { return try await body() } catch { throw DriverError(error) }
    }
}

extension DriverError {
    /// A sweep's error with its exit code: bad spec or input 2, missing tool 3, failed tool or database 4.
    init(_ error: SweepError) {
        switch error {
        case .spec, .input, .point: self = .option(error.description)
        case .tool(let e): self = .tool(e)
        case .refused(let e): self = .refused(e)
        case .database, .io: self = .io(error.description)
        }
    }
}

extension CompilerDriver {
    /// The key of this Slurm array task: line `SLURM_ARRAY_TASK_ID` (from 0) of `keysFile`.
    public static func arrayTaskKey(keysFile: String,
                                    environment: [String: String] = ProcessInfo.processInfo.environment) throws(DriverError) -> String {
        guard let text = environment["SLURM_ARRAY_TASK_ID"], let index = Int(text), index >= 0 else {
            throw .option("--keys needs SLURM_ARRAY_TASK_ID (it is set in a Slurm array task)")
        }
        let data: Data
        do { data = try InputFile.read(keysFile, maxBytes: 64 << 20) } catch { throw .option("\(keysFile): \(error)") }
        let keys = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
        guard index < keys.count else { throw .option("\(keysFile): no line \(index + 1) for array task \(index)") }
        let key = String(keys[index])
        guard !key.isEmpty, key.allSatisfy({ $0.isHexDigit }) else { throw .option("\(keysFile): line \(index + 1) is not a point key") }
        return key
    }
}
