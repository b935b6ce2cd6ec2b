// One bbolt file, open for the process, and its compaction.

package bolt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// file is an open bbolt file that can be compacted while the server runs: every transaction
// holds the read side of mu, and Compact the write side, so that no write is lost between the
// copy and the swap and no transaction sees a closed file.
type file struct {
	mu   sync.RWMutex
	db   *bbolt.DB
	path string
}

// openFile opens or creates the bbolt file at path (mode 0600; its directory is created with
// mode 0700 when missing). It fails after OpenTimeout when another process has the file open.
func openFile(path string) (*file, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("bolt store: create directory: %w", err)
	}
	db, err := openDB(path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		db.Close()
		return nil, fmt.Errorf("bolt store: %w", err)
	}
	return &file{db: db, path: path}, nil
}

func openDB(path string) (*bbolt.DB, error) {
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: OpenTimeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("bolt store: open %s: %w (waited %s)", path, ErrLocked, OpenTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("bolt store: open %s: %w", path, err)
	}
	return db, nil
}

func (f *file) write(fn func(*bbolt.Tx) error) error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.db.Update(fn)
}

func (f *file) read(fn func(*bbolt.Tx) error) error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.db.View(fn)
}

func (f *file) close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.db.Close(); err != nil {
		return fmt.Errorf("bolt store: close: %w", err)
	}
	return nil
}

// compact rewrites the file without its free pages. bbolt reuses a deleted value's page but
// never clears it, so deleted data stays in the file until the page is written again: compact
// copies the live data into a new file (bbolt.Compact), swaps it in with an atomic rename and
// then overwrites the old file with zeros before removing it. Transactions wait meanwhile (a
// few milliseconds for a school's data).
//
// What it cannot reach: a copy of the file taken before (a backup), and blocks the file
// system or the disk keep elsewhere (journals, copy-on-write snapshots, an SSD's spare
// blocks). That is why the text in the file is sealed and its key kept apart.
func (f *file) compact() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	tmp, old := f.path+".compact", f.path+".old"
	_ = os.Remove(tmp)
	dst, err := bbolt.Open(tmp, 0o600, &bbolt.Options{Timeout: OpenTimeout})
	if err != nil {
		return fmt.Errorf("bolt store: compact: %w", err)
	}
	if err := bbolt.Compact(dst, f.db, 0); err != nil {
		dst.Close()
		os.Remove(tmp)
		return fmt.Errorf("bolt store: compact: %w", err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("bolt store: compact: %w", err)
	}
	// Keep the old file's data under a second name, to overwrite it once the new file is in place.
	_ = os.Remove(old)
	if err := os.Link(f.path, old); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("bolt store: compact: %w", err)
	}
	if err := f.db.Close(); err != nil {
		os.Remove(tmp)
		os.Remove(old)
		return fmt.Errorf("bolt store: compact: %w", err)
	}
	swapErr := os.Rename(tmp, f.path)
	// Open what is now at the path: the compacted file, or the old one if the rename failed.
	db, err := openDB(f.path)
	if err != nil {
		return fmt.Errorf("bolt store: compact: reopen: %w", err)
	}
	f.db = db
	if swapErr != nil {
		os.Remove(tmp)
		os.Remove(old)
		return fmt.Errorf("bolt store: compact: %w", swapErr)
	}
	syncDir(filepath.Dir(f.path))
	return wipe(old)
}

// wipe overwrites a file with zeros, syncs it and removes it.
func wipe(path string) error {
	fh, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("bolt store: wipe: %w", err)
	}
	st, err := fh.Stat()
	if err == nil {
		zeros := make([]byte, 64<<10)
		for left := st.Size(); left > 0 && err == nil; left -= int64(len(zeros)) {
			_, err = fh.Write(zeros[:min(int64(len(zeros)), left)])
		}
	}
	if err == nil {
		err = fh.Sync()
	}
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if rerr := os.Remove(path); err == nil {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("bolt store: wipe: %w", err)
	}
	return nil
}

// syncDir makes a rename in dir durable (best effort: not every system can sync a directory).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
