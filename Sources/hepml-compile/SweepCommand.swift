import ArgumentParser
import Driver
import Foundation

/// `hepml-compile sweep`: a design-space sweep (docs/sweep.md).
struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Compile and evaluate every point of a design-space sweep; results.csv and pareto.html from a resumable database.",
        discussion: """
        sweep.json names the model, validation events (and labels) and the axes: precisions (model-wide \
        "precision.weight" or per layer "layers.fc1.precision.result"), clock_ns, latency_cycles, family, \
        ternary_adders; the grid is their product, or "points" lists the points. Each point is compiled, its \
        resources estimated from the netlist (or synthesized with --synthesize), its latency and its fidelity \
        against the float model measured. DIR/sweep.db keeps every point's result: a re-run evaluates only \
        the points it lacks. See docs/sweep.md.
        """)

    @Argument(help: "The sweep spec (sweep.json; docs/sweep.md).")
    var spec: String

    @Option(help: "The sweep folder: sweep.db (kept across runs), report/results.csv and report/pareto.html.")
    var out: String

    @Option(help: "Where the points run: local (child processes) or slurm (one sbatch job array).")
    var executor: String = "local"

    @Option(help: "Points at once: local child processes (default: the core count), or the Slurm array's task limit.")
    var jobs: Int?

    @Flag(help: "Synthesize each op module with yosys (cached per module across points) instead of the netlist estimate.")
    var synthesize = false

    @Option(name: .customLong("synthesis-budget"), help: "Seconds yosys may take per point with --synthesize.")
    var synthesisBudget: Double = 600

    @Flag(name: .customLong("retry-failed"), help: "Evaluate again the points whose stored result is a failure.")
    var retryFailed = false

    @Option(help: "Slurm partition of the job array.")
    var partition: String?

    @Option(help: "Slurm time limit per task (e.g. 10:00).")
    var time: String?

    @Option(help: "Slurm memory per task (e.g. 2G).")
    var mem: String?

    @Option(name: .customLong("max-resubmits"), help: "Times a Slurm task that ended without a result is submitted again.")
    var maxResubmits: Int = 2

    func run() async throws {
        var options = SweepOptions(spec: spec, out: out)
        options.executor = executor
        options.jobs = jobs
        options.synthesize = synthesize
        options.synthesisBudget = synthesisBudget
        options.retryFailed = retryFailed
        options.slurm.partition = partition
        options.slurm.time = time
        options.slurm.mem = mem
        options.slurm.maxResubmits = maxResubmits
        if executor == "slurm" { options.slurm.concurrentTasks = jobs }
        do {
            printLines(try await CompilerDriver.sweep(options).lines)
        } catch {
            throw fail(error, command: "sweep")
        }
    }
}

/// `hepml-compile sweep-point`: one point of a sweep's plan, run by the
/// sweep itself (a child process, or a Slurm array task); prints the
/// point's result as JSON. Not for use by hand.
struct SweepPointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sweep-point", abstract: "Evaluate one point of a sweep plan (internal).",
                                                    shouldDisplay: false)

    @Option(help: "The plan (DIR/tasks/plan-HASH.json).")
    var plan: String

    @Option(help: "The point's key.")
    var key: String?

    @Option(help: "A file of keys, one per line: the point is line SLURM_ARRAY_TASK_ID (from 0).")
    var keys: String?

    @Option(help: "Write the result to RESULTS/KEY.json instead of standard output.")
    var results: String?

    func run() async throws {
        do {
            let chosen: String
            if let key { chosen = key } else if let keys { chosen = try CompilerDriver.arrayTaskKey(keysFile: keys) } else {
                throw DriverError.option("give --key or --keys")
            }
            let text = try await CompilerDriver.sweepPoint(plan: plan, key: chosen, output: results.map { $0 + "/" + chosen + ".json" })
            if results == nil { print(text, terminator: "") }
        } catch let error as DriverError {
            throw fail(error, command: "sweep-point")
        }
    }
}
