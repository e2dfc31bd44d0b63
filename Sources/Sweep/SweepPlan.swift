import FileSafety
import Foundation
import InputFiles

/// A point to evaluate and the key its result is stored under.
public struct PlannedPoint: Codable, Sendable, Equatable {
    public var key: String
    public var settings: PointSettings
}

/// What a child process or a Slurm task needs to evaluate any point of a
/// sweep, written once per run as `DIR/tasks/plan-HASH.json`: the resolved
/// inputs (absolute paths and their content hashes), the evaluation
/// settings and every point with its key.
public struct SweepPlan: Codable, Sendable, Equatable {
    public var specFile: String
    public var model: String
    public var events: String
    public var labels: String?
    public var maxEvents: Int?
    public var part: String
    public var backgroundAcceptance: Double
    public var synthesize: Bool
    public var synthesisBudget: Double
    /// Reference threads per point.
    public var threads: Int
    /// Content hashes of the model, events and labels files.
    public var inputHashes: [String]
    public var points: [PlannedPoint]

    /// Makes the plan of `spec`, hashing its input files and keying each point.
    public static func make(_ spec: SweepSpec, synthesize: Bool, synthesisBudget: Double, threads: Int,
                            toolVersion: String) throws(SweepError) -> SweepPlan {
        var hashes = [try fileHash(spec.model), try fileHash(spec.events)]
        if let labels = spec.labels { hashes.append(try fileHash(labels)) }
        var common = ContentHash()
        common.add("hepml-sweep point v1")
        common.add(toolVersion)
        for h in hashes { common.add(h) }
        common.add(spec.maxEvents.map(String.init) ?? "all")
        common.add(spec.part)
        common.add(String(spec.backgroundAcceptance))
        common.add(synthesize ? "yosys" : "estimate")
        let prefix = common.hex
        let points = spec.points.map { p in PlannedPoint(key: ContentHash.of(prefix + "\n" + p.canonical), settings: p) }
        return SweepPlan(specFile: spec.file, model: spec.model, events: spec.events, labels: spec.labels, maxEvents: spec.maxEvents,
                         part: spec.part, backgroundAcceptance: spec.backgroundAcceptance, synthesize: synthesize,
                         synthesisBudget: synthesisBudget, threads: threads, inputHashes: hashes, points: points)
    }

    /// The content hash of a file, read in 1 MiB blocks.
    public static func fileHash(_ path: String) throws(SweepError) -> String {
        let reader: FileReader
        do { reader = try FileReader(path: path) } catch { throw .input("\(path): \(error)") }
        var hash = ContentHash()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n: Int
            do { n = try buffer.withUnsafeMutableBytes { b throws(InputFileError) in try reader.read(into: b) } } catch {
                throw .input("\(path): \(error)")
            }
            if n == 0 { break }
            hash.add(bytes: buffer[0..<n])
        }
        return hash.hex
    }

    /// The version the keys depend on: the sweep's format and the
    /// executable's identity (size and modification time), so that a
    /// rebuilt tool recomputes its points.
    public static func toolVersion(executable: String = "/proc/self/exe") -> String {
        let real = (try? FileManager.default.destinationOfSymbolicLink(atPath: executable)) ?? executable
        let attributes = try? FileManager.default.attributesOfItem(atPath: real)
        let size = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "hepml-compile sweep 1; \(real); \(size) bytes; modified \(Int64(modified))"
    }

    public func point(key: String) -> PlannedPoint? { points.first { $0.key == key } }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        // A plan holds strings, numbers and booleans only: encoding cannot fail.
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }

    public static func read(path: String) throws(SweepError) -> SweepPlan {
        let data: Data
        do { data = try InputFile.read(path, maxBytes: 256 << 20) } catch { throw .input("\(path): \(error)") }
        do { return try JSONDecoder().decode(SweepPlan.self, from: data) } catch {
            throw .input("\(path): not a sweep plan this version of hepml-compile wrote (\(error))")
        }
    }
}
