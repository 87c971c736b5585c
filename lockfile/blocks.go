package lockfile

import "sync"

// Blocks keeps every image's block as validated and rendered, for a
// writer that rewrites the same File many times: the engine saves the
// lockfile while images finish and once more at the end. Each image is
// validated and rendered once (by Add, on the goroutine that made it), and
// Render assembles the file from the blocks.
//
// An image is known by its pointer: after Add it must not change. Files
// replace images (SetImage), they do not change them in place.
type Blocks struct {
	mu sync.Mutex
	m  map[string]block // by address
}

type block struct {
	img  *Image
	data []byte
	err  error // img.validate()
}

// Add validates and renders img for later Render calls, replacing what an
// earlier image at the same address left.
func (b *Blocks) Add(img *Image) {
	if img == nil {
		return
	}
	b.put(newBlock(img))
}

func newBlock(img *Image) block {
	bl := block{img: img, err: img.validate()}
	if bl.err == nil {
		var w blockWriter
		w.imageBlock(img)
		bl.data = w.buf.Bytes()
	}
	return bl
}

func (b *Blocks) put(bl block) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil {
		b.m = map[string]block{}
	}
	b.m[bl.img.Address] = bl
}

// get returns img's block, making it when Add was not called with this
// very image.
func (b *Blocks) get(img *Image) block {
	b.mu.Lock()
	bl, ok := b.m[img.Address]
	b.mu.Unlock()
	if ok && bl.img == img {
		return bl
	}
	bl = newBlock(img)
	b.put(bl)
	return bl
}

// Render returns what f.Validate and f.Bytes would, the validation error
// or the bytes, taking each image's block from b (and adding those it
// lacks).
func (f *File) Render(b *Blocks) ([]byte, error) {
	if err := f.validate(func(img *Image) error { return b.get(img).err }); err != nil {
		return nil, err
	}
	return f.write(func(w *blockWriter, img *Image) { w.buf.Write(b.get(img).data) }), nil
}
