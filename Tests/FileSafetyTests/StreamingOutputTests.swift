import FileSafety
import Foundation
import Testing

/// Outputs written in pieces: nothing at the path until the commit, the old
/// file intact after a discard, no temporary file left either way.
@Suite struct StreamingOutputTests {
    @Test func nothingAppearsBeforeTheCommit() throws {
        let t = try TestFolder()
        let output = try StreamingOutput(t.path + "/out.csv")
        try output.write(Array("1,2\n".utf8))
        try output.write(Array("3,4\n".utf8))
        #expect(t.read("out.csv") == nil)
        try output.commit()
        #expect(t.read("out.csv") == "1,2\n3,4\n")
        #expect(t.listing("") == ["out.csv"])
    }

    @Test func aDiscardKeepsTheOldFileAndLeavesNoTemporaryFile() throws {
        let t = try TestFolder()
        try t.write("out.csv", "old\n")
        do {
            let output = try StreamingOutput(t.path + "/out.csv")
            try output.write(Array("half of the new".utf8))
            output.discard()
        }
        do {
            // Dropped without a commit: the same.
            let output = try StreamingOutput(t.path + "/out.csv")
            try output.write(Array("half of the new".utf8))
        }
        #expect(t.read("out.csv") == "old\n")
        #expect(t.listing("") == ["out.csv"])
    }

    @Test func earlierBytesOfAFileCanBeRewrittenButNotOfAStream() throws {
        let t = try TestFolder()
        let output = try StreamingOutput(t.path + "/out.bin")
        #expect(output.isRewritable)
        try output.write(Array("xxxx-body".utf8))
        try output.write(Array("head".utf8), at: 0)
        try output.commit()
        #expect(t.read("out.bin") == "head-body")
        #expect(try StreamingOutput("/dev/null").isRewritable == false)
    }
}
