import Foundation

/// Finding the open Vitis HLS `ap_types` headers (`ap_fixed.h`, `ap_int.h`, ...)
/// that the generated HLS C++ is compiled against.
public enum APTypes {
    /// The environment variable that overrides the search.
    public static let environmentVariable = "HEPML_AP_TYPES"

    /// What to tell a user when ``locate(environment:)`` returns nil.
    public static let installHint =
        "run scripts/setup.sh (it installs the hls4ml wheel, which ships the open ap_types headers) "
        + "or set \(environmentVariable) to a directory containing ap_fixed.h"

    /// The directory holding `ap_fixed.h`, or nil if none is found.
    ///
    /// Looks first at `$HEPML_AP_TYPES`, then asks `python3` where the
    /// `hls4ml` package is installed and uses its `templates/vivado/ap_types`
    /// folder (the same lookup as `scripts/ap-types-dir.sh`). A candidate
    /// counts only if `ap_fixed.h` exists in it.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let dir = environment[environmentVariable], !dir.isEmpty, hasHeaders(dir) {
            return dir
        }
        if let dir = hls4mlHeaderDirectory(environment: environment), hasHeaders(dir) {
            return dir
        }
        return nil
    }

    /// Whether `directory` contains `ap_fixed.h`.
    public static func hasHeaders(_ directory: String) -> Bool {
        FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("ap_fixed.h"))
    }

    /// Asks `python3` (found on the environment's PATH) where the hls4ml
    /// package lives; nil if python3 or hls4ml is missing.
    static func hls4mlHeaderDirectory(environment: [String: String]) -> String? {
        let script = """
            import importlib.util, os
            s = importlib.util.find_spec("hls4ml")
            print(os.path.join(os.path.dirname(s.origin), "templates", "vivado", "ap_types") if s and s.origin else "")
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        // Read before waiting so a full pipe cannot block the child.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? nil : path
    }
}
