import FileSafety
import Foundation

/// Runs points as one Slurm job array: task `i` runs the tool on the
/// plan's point on line `i` of a keys file and writes its result into the
/// sweep folder (`tasks/results/KEY.json`); this process polls `squeue`
/// (no accounting database needed), gathers each result into the database
/// as it appears, and submits tasks that ended without a result again, up
/// to ``SlurmSettings/maxResubmits`` times. The folder must be on a file
/// system the compute nodes share, and so must the executable.
public struct SlurmExecutor: Sendable {
    public var settings: SlurmSettings
    /// The executable the tasks run: the running binary's real path.
    public var executable: String

    public init(settings: SlurmSettings, executable: String? = nil) {
        self.settings = settings
        self.executable = executable ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    }

    public func run(_ points: [PlannedPoint], planFile: String, folder: SweepFolder, progress: SweepProgress,
                    record: (PlannedPoint, PointResult) throws(SweepError) -> Void) async throws(SweepError) {
        try settings.check()
        let tools = try SlurmTools.locate()
        var meter = progress
        var outstanding: [Int: PlannedPoint] = [:]
        for (i, p) in points.enumerated() { outstanding[i] = p }

        let stamp = String(UInt64(Date().timeIntervalSince1970 * 1000))
        let keysFile = folder.tasks + "/keys-\(stamp).txt"
        let script = folder.tasks + "/job-\(stamp).sh"
        do {
            try OutputFile.write(points.map(\.key).joined(separator: "\n") + "\n", to: keysFile)
            try OutputFile.write(jobScript(plan: planFile, keys: keysFile, results: folder.results), to: script)
        } catch { throw .refused(error) }

        var attempts: [Int: Int] = [:]
        var job = try await tools.submit(script: script, indices: outstanding.keys.sorted(), settings: settings, logs: folder.logs)
        progress.report("slurm: submitted job \(job), an array of \(outstanding.count) tasks")
        var lastLine = ""
        while !outstanding.isEmpty {
            try await Task.sleep(seconds: settings.pollSeconds)
            let answer = await tools.queued(job: job)
            try gather(&outstanding, folder: folder, meter: &meter, record: record)
            guard let queued = answer else {
                progress.report("slurm: squeue did not answer; looking again")
                continue
            }
            let running = queued.values.filter { $0 == "RUNNING" }.count
            let line = "slurm: job \(job): \(meter.done)/\(meter.total) done, \(running) running, \(queued.count - running) pending"
            if line != lastLine { progress.report(line); lastLine = line }
            // Tasks that left the queue without a result: submit again, or record why they failed.
            let lost = outstanding.keys.filter { queued[$0] == nil }.sorted()
            guard !lost.isEmpty else { continue }
            var again: [Int] = []
            for index in lost {
                attempts[index, default: 0] += 1
                if attempts[index]! <= settings.maxResubmits {
                    again.append(index)
                } else {
                    let state = await tools.state(job: job, index: index)
                    let log = folder.logs + "/\(job)_\(index).out"
                    let tail = (try? String(contentsOfFile: log, encoding: .utf8)).map { String($0.suffix(400)) } ?? "(no log)"
                    let point = outstanding.removeValue(forKey: index)!
                    let result = PointResult.failure("Slurm task \(job)_\(index) ended without a result after \(attempts[index]!) attempts (\(state)); log \(log): \(tail)",
                                                     exitCode: 4)
                    try record(point, result)
                    meter.finished(result)
                }
            }
            if !again.isEmpty {
                job = try await tools.submit(script: script, indices: again, settings: settings, logs: folder.logs)
                progress.report("slurm: resubmitted \(again.count) task(s) that ended without a result as job \(job)")
            }
        }
    }

    /// Records every result file of an outstanding point and removes it.
    func gather(_ outstanding: inout [Int: PlannedPoint], folder: SweepFolder, meter: inout SweepProgress,
                record: (PlannedPoint, PointResult) throws(SweepError) -> Void) throws(SweepError) {
        for (index, point) in outstanding.sorted(by: { $0.key < $1.key }) {
            let file = folder.resultFile(point.key)
            guard FileKind.of(file) == .regular, let text = try? String(contentsOfFile: file, encoding: .utf8),
                  let result = PointResultText.parse(text) else { continue }
            try record(point, result)
            try? FileManager.default.removeItem(atPath: file)
            outstanding.removeValue(forKey: index)
            meter.finished(result)
        }
    }

    /// The batch script: the task's point is line SLURM_ARRAY_TASK_ID of the keys file.
    func jobScript(plan: String, keys: String, results: String) -> String {
        """
        #!/bin/sh
        # Written by hepml-compile sweep: one point of the sweep per array task.
        exec \(Self.quote(executable)) sweep-point --plan \(Self.quote(absolute(plan))) --keys \(Self.quote(absolute(keys))) --results \(Self.quote(absolute(results)))

        """
    }

    func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// A single-quoted shell word.
    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

extension Task where Success == Never, Failure == Never {
    static func sleep(seconds: Double) async throws(SweepError) {
        do { try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1e9)) } catch { throw .io("the sweep was cancelled") }
    }
}
