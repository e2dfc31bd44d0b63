import Foundation
import Testing

/// train.json settings that used to trap (exit 132) or abort on allocation:
/// now exit 2 with the file and the field named, in bounded time and memory, and nothing written.
@Suite struct BadTrainConfigTests {
    static let cases: [(name: String, json: String, message: String)] = [
        ("negative events", #"{"name": "m", "task": "classification", "data": {"generator": "jet_tagging", "events": -10}, "layers": [{"dense": 5}]}"#,
         "data.events: -10 is outside the accepted range 1...50000000"),
        ("no layers", #"{"name": "m", "task": "classification", "data": {"generator": "jet_tagging", "events": 100}, "layers": []}"#,
         "layers: the list is empty"),
        ("a billion units", #"{"name": "m", "task": "classification", "data": {"generator": "jet_tagging", "events": 100}, "layers": [{"dense": 1000000000}]}"#,
         "layers[0].dense: 1000000000 is outside the accepted range 1...100000"),
        ("1e12 events", #"{"name": "m", "task": "classification", "data": {"generator": "jet_tagging", "events": 1e12}, "layers": [{"dense": 5}]}"#,
         "data.events: 1000000000000 is outside the accepted range 1...50000000"),
        ("zero learning rate", #"{"name": "m", "task": "classification", "data": {"generator": "jet_tagging", "events": 100}, "layers": [{"dense": 5}], "training": {"learning_rate": 0}}"#,
         "training.learning_rate: 0.0 is outside the accepted range (0, 10]"),
        ("negative batch size", #"{"name": "m", "task": "classification", "data": {"generator": "jet_tagging", "events": 100}, "layers": [{"dense": 5}], "training": {"batch_size": -1}}"#,
         "training.batch_size: -1 is outside the accepted range 1...1000000"),
        ("too many parameters", #"{"name": "m", "task": "classification", "data": {"generator": "jet_tagging", "events": 100}, "layers": [{"dense": 100000}, {"dense": 100000}]}"#,
         "layers[1].dense: 10000100000 parameters on 100000 inputs"),
        ("a kernel larger than its input", #"{"name": "m", "task": "classification", "data": {"generator": "jet_tagging", "events": 100}, "input_shape": [4, 4, 1], "layers": [{"conv2d": {"filters": 2, "kernel_size": 5}}]}"#,
         "layers[0].conv2d.kernel_size: the kernel spans 5 on spatial axis 0, larger than its padded input (4)"),
        ("a billion filters", #"{"name": "m", "task": "classification", "data": {"generator": "jet_tagging", "events": 100}, "input_shape": [4, 4, 1], "layers": [{"conv2d": {"filters": 1000000000, "kernel_size": 2}}]}"#,
         "layers[0].conv2d.filters: 1000000000 is outside the accepted range 1...100000"),
        ("too many conv parameters", #"{"name": "m", "task": "classification", "data": {"generator": "jet_tagging", "events": 100}, "input_shape": [1, 1, 16], "layers": [{"dense": 4000}, {"conv2d": {"filters": 4000, "kernel_size": 1}}]}"#,
         "layers[1].conv2d: 16004000 parameters bring the network to 16072000; the limit is 10000000 parameters"),
        ("a kernel the compiler cannot expand", #"{"name": "m", "task": "classification", "data": {"generator": "jet_tagging", "events": 10}, "input_shape": [16, 1], "layers": [{"reshape": [4, 4, 1]}, {"conv2d": {"filters": 100000, "kernel_size": 4, "dilation_rate": 4000, "padding": "same"}}]}"#,
         "layers[1].conv2d: expands to"),
    ]

    @Test(arguments: cases.indices)
    func trainRefusesAnOutOfRangeSettingNamingTheField(index: Int) throws {
        let c = Self.cases[index]
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("train.json")
        try Data(c.json.utf8).write(to: config)
        let r = try CLI.run(["train", "--config", config.path, "--quiet"], timeout: 60)
        #expect(!r.timedOut, "\(c.name)")
        #expect(r.code == 2, "\(c.name): exit \(r.code): \(r.err.prefix(400))")
        // The config file, then the field.
        #expect(r.err.contains("hepml-compile train: error: invalid setting: \(config.path): \(c.message)"), "\(c.name): \(r.err.prefix(400))")
        #expect(r.peakMegabytes < 300, "\(c.name): peak \(Int(r.peakMegabytes)) MB")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("model.json").path))
    }

    /// `--events` on the command line goes through the same check.
    @Test func anEventsOverrideIsChecked() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("train.json")
        try Data(#"{"name": "m", "task": "classification", "data": {"generator": "jet_tagging"}, "layers": [{"dense": 5}]}"#.utf8).write(to: config)
        let r = try CLI.run(["train", "--config", config.path, "--events", "0", "--quiet"], timeout: 60)
        #expect(r.code == 2)
        #expect(r.err.contains("data.events: 0 is outside the accepted range 1...50000000"), "\(r.err)")
    }
}
