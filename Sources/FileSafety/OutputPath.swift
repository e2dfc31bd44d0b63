import Foundation

/// Where an output path leads, and whether the tool may go there.
///
/// The kernel's `protected_symlinks` rule, applied whether or not the
/// kernel applies it: in a folder that others can write (`/tmp`, a shared
/// group folder), a symbolic link is followed only when it is yours, since
/// anyone could have planted it there pointing at a file of yours (or, for
/// root, at any file). Elsewhere links are followed as usual, so your own
/// link to your own file still works.
public enum OutputPath {
    /// `path` with every link resolved under the rule above (a refusal
    /// names the link, its owner and its folder). With `within`, the
    /// resolved path must also lie inside that folder (resolved as well):
    /// checking names alone would let `cfg/model.json -> /elsewhere/file`
    /// through.
    /// When no link is met the path comes back as given, so that messages
    /// keep the user's spelling.
    public static func resolve(_ path: String, within: String? = nil) throws(FileSafetyError) -> String {
        let resolved: String
        var followed = false
        let walked = PathWalk.resolve(path) { step in
            if case .link = step { followed = true }
            return linkProblem(step)
        }
        switch walked {
        case .failure(let problem): throw .refused(path: path, reason: "\(problem.path): \(problem.reason)")
        case .success(let p): resolved = p
        }
        guard let within else { return followed ? resolved : path }
        let folder: String
        switch PathWalk.resolve(within) {
        case .failure(let problem): throw .refused(path: path, reason: "\(problem.path): \(problem.reason)")
        case .success(let p): folder = p
        }
        guard resolved == folder || resolved.hasPrefix(folder == "/" ? "/" : folder + "/") else {
            throw .refused(path: path, reason: "it leads to \(resolved), outside \(within) (through a symbolic link); "
                + "outputs must stay inside that folder")
        }
        return followed ? resolved : path
    }

    /// Why the link met on a walk may not be followed, or nil.
    static func linkProblem(_ step: PathWalk.Step) -> String? {
        guard case .link(let link, let folder) = step, let st = POSIX.lstatus(link), let dir = POSIX.lstatus(folder) else { return nil }
        let me = POSIX.effectiveUser
        guard st.owner != me, dir.sticky || dir.writableByOthers else { return nil }
        return "a symbolic link of user \(st.owner) (not yours) in \(folder), a folder other users can write; "
            + "it is not followed there (only your own links are). Remove it or write elsewhere"
    }
}
