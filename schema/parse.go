package schema

import (
	"bytes"
	"runtime"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"golang.org/x/sync/errgroup"
)

// Parsing is the largest part of loading a big project (10,000 images are
// 1.6 MB of HCL, about a third of a second for hclsyntax on one core), so a
// large file is cut into pieces at top-level block boundaries, the pieces
// are parsed on every core, and their bodies are joined into the *hcl.File
// a whole-file parse gives: the same blocks, ranges and navigation.
//
// A cut is after a line holding only "}", the way blocks are written. Such
// a line may also close a nested block or sit inside a heredoc or a
// comment; then the piece before the cut ends inside an open construct,
// which hclsyntax reports as an error. So pieces are trusted only when
// every one of them parses without a diagnostic and none has a top-level
// attribute (whose duplicates span pieces); otherwise the file is parsed
// whole, and its diagnostics are exactly hclsyntax's.

// minPiece is the smallest piece worth a goroutine.
const minPiece = 64 << 10

// parseConfig parses one configuration file.
func parseConfig(src []byte, name string) (*hcl.File, hcl.Diagnostics) {
	if cuts := pieceCuts(src, 2*runtime.GOMAXPROCS(0)); len(cuts) > 0 {
		if f, ok := parsePieces(src, name, cuts); ok {
			return f, nil
		}
	}
	return hclsyntax.ParseConfig(src, name, hcl.InitialPos)
}

// pieceCuts returns up to n-1 byte offsets, in increasing order, that start
// a line following a line "}": where src may be cut into pieces of roughly
// equal size. None for a small src.
func pieceCuts(src []byte, n int) []int {
	n = min(n, len(src)/minPiece)
	var cuts []int
	for k := 1; k < n; k++ {
		from := k * len(src) / n
		if len(cuts) > 0 {
			from = max(from, cuts[len(cuts)-1])
		}
		i := bytes.Index(src[from:], []byte("\n}\n"))
		if i < 0 {
			break
		}
		if cut := from + i + 3; cut < len(src) {
			cuts = append(cuts, cut)
		}
	}
	return cuts
}

// parsePieces parses src cut at cuts, in parallel, and joins the pieces.
// ok is false when a piece has a diagnostic or a top-level attribute: the
// caller parses the whole file instead.
func parsePieces(src []byte, name string, cuts []int) (*hcl.File, bool) {
	starts := append([]int{0}, cuts...)
	pos := piecePositions(src, starts)
	files := make([]*hcl.File, len(starts))
	clean := make([]bool, len(starts))
	var g errgroup.Group
	for i, start := range starts {
		end := len(src)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		g.Go(func() error {
			f, diags := hclsyntax.ParseConfig(src[start:end], name, pos[i])
			files[i] = f
			clean[i] = len(diags) == 0 && len(f.Body.(*hclsyntax.Body).Attributes) == 0
			return nil
		})
	}
	_ = g.Wait()
	for _, ok := range clean {
		if !ok {
			return nil, false
		}
	}
	return joinPieces(src, files), true
}

// piecePositions is the hcl.Pos of each start offset, each the start of a
// line.
func piecePositions(src []byte, starts []int) []hcl.Pos {
	pos := make([]hcl.Pos, len(starts))
	line, prev := 1, 0
	for i, s := range starts {
		line += bytes.Count(src[prev:s], []byte("\n"))
		prev = s
		pos[i] = hcl.Pos{Line: line, Column: 1, Byte: s}
	}
	return pos
}

// joinPieces makes the first piece's file the whole file: its body gets
// every piece's blocks and spans to the end of the last. The file's
// navigation (which block an offset is in, for diagnostics) points at that
// body, so it covers every block too.
func joinPieces(src []byte, files []*hcl.File) *hcl.File {
	f := files[0]
	body := f.Body.(*hclsyntax.Body)
	last := body
	for _, pf := range files[1:] {
		last = pf.Body.(*hclsyntax.Body)
		body.Blocks = append(body.Blocks, last.Blocks...)
	}
	body.SrcRange = hcl.RangeBetween(body.SrcRange, last.SrcRange)
	body.EndRange = last.EndRange
	f.Bytes = src
	return f
}
