// Package outfile writes the output files of a command so that a user's
// file is never lost: every output path is checked before any work
// starts, the outputs are written to temporary files beside their
// targets, and they replace the targets only when the caller commits,
// after everything that can fail has succeeded. A run that fails, or is
// interrupted, leaves every existing file as it was and removes only the
// temporary files it created.
//
// The rules Plan enforces, each failure an error naming the flag:
//
//   - an output is a regular file or a path that does not exist yet, in
//     a directory that exists and where a file can be created; a
//     directory, a device, a FIFO or a socket is refused (outputs are
//     replaced by rename, which would put a regular file in place of a
//     device node);
//   - a symbolic link is followed: the file it points to is the one
//     replaced (or created), and the link stays a link;
//   - an output is never one of the run's inputs, under any name (hard
//     links and symbolic links included);
//   - two outputs are never the same file;
//   - an existing output without write permission for its owner is
//     refused: a read-only file is one its user chose to protect.
//
// A replaced file keeps its permission bits; a new one gets 0644.
package outfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Path is a file named by a flag, such as {"--out", "model.json"}.
type Path struct {
	Flag, Path string
}

// Set is the checked outputs of one run. Its methods may be called from
// several goroutines (an interrupt handler may Discard while the run
// stages); once committed or discarded, a Set does nothing more.
type Set struct {
	mu    sync.Mutex
	files []*file
	done  bool
}

// file is one output: where it goes and, once staged, its temporary file.
type file struct {
	out    Path
	target string      // the file replaced: Path with symbolic links followed
	mode   fs.FileMode // permission bits of the result
	tmp    string      // the staged temporary file, "" before Stage
}

// maxLinks bounds how many symbolic links Plan follows, as the kernel does
// (ELOOP).
const maxLinks = 40

// Plan checks the outputs (entries with an empty Path are skipped)
// against the inputs and each other, by the rules of the package doc,
// before any work is done, and returns them as a Set to stage and commit.
// Inputs that do not exist are skipped: reading them fails later, with
// its own message.
func Plan(inputs, outputs []Path) (*Set, error) {
	var inStat []fs.FileInfo
	var inPath []Path
	for _, in := range inputs {
		if in.Path == "" {
			continue
		}
		if fi, err := os.Stat(in.Path); err == nil {
			inStat = append(inStat, fi)
			inPath = append(inPath, in)
		}
	}
	s := &Set{}
	for _, out := range outputs {
		if out.Path == "" {
			continue
		}
		f, err := check(out)
		if err != nil {
			return nil, err
		}
		if fi, err := os.Stat(f.target); err == nil {
			for i, in := range inStat {
				if os.SameFile(fi, in) {
					return nil, fmt.Errorf("%s %s is the same file as %s %s, an input of this run: writing it would destroy the input",
						out.Flag, out.Path, inPath[i].Flag, inPath[i].Path)
				}
			}
		}
		for _, prev := range s.files {
			if same, err := sameTarget(prev.target, f.target); err != nil {
				return nil, fmt.Errorf("%s %s: %v", out.Flag, out.Path, err)
			} else if same {
				return nil, fmt.Errorf("%s %s and %s %s are the same file: each output needs its own",
					prev.out.Flag, prev.out.Path, out.Flag, out.Path)
			}
		}
		s.files = append(s.files, f)
	}
	return s, nil
}

// check resolves one output and checks it on its own.
func check(out Path) (*file, error) {
	fail := func(format string, args ...any) (*file, error) {
		return nil, fmt.Errorf("%s %s: %s", out.Flag, out.Path, fmt.Sprintf(format, args...))
	}
	target, err := followLinks(out.Path)
	if err != nil {
		return fail("%v", err)
	}
	f := &file{out: out, target: target, mode: 0o644}
	fi, err := os.Stat(target)
	switch {
	case err == nil && fi.IsDir():
		return fail("is a directory; give a file name")
	case err == nil && !fi.Mode().IsRegular():
		return fail("is %s, not a regular file; outputs are written as new regular files, so lanes refuses to replace it", kindOf(fi.Mode()))
	case err == nil && fi.Mode().Perm()&0o200 == 0:
		return fail("is read-only; make it writable (chmod u+w) if it is to be replaced")
	case err == nil:
		f.mode = fi.Mode().Perm()
	case !errors.Is(err, fs.ErrNotExist):
		return fail("%v", unwrapPath(err))
	}
	dir := filepath.Dir(target)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fail("directory %s does not exist", dir)
	}
	// Prove that the directory takes a new file now, rather than after
	// the work: create the kind of temporary file Stage will, and remove
	// it.
	probe, err := os.CreateTemp(dir, tempPattern(target))
	if err != nil {
		return fail("cannot create a file in %s: %v", dir, unwrapPath(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	return f, nil
}

// followLinks returns the path that writing to p would replace: p with
// every symbolic link in its last element followed (a link to a link is
// followed too; a dangling link resolves to the path it names).
func followLinks(p string) (string, error) {
	for range maxLinks {
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		dest, err := os.Readlink(p)
		if err != nil {
			return "", unwrapPath(err)
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(p), dest)
		}
		p = dest
	}
	return "", fmt.Errorf("more than %d levels of symbolic links", maxLinks)
}

// sameTarget reports whether two resolved output paths name the same
// file: the same existing file, or the same name in the same directory
// (directories compared as files, so that two spellings of a directory
// match).
func sameTarget(a, b string) (bool, error) {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb), nil
	}
	if filepath.Base(a) != filepath.Base(b) {
		return false, nil
	}
	da, err := os.Stat(filepath.Dir(a))
	if err != nil {
		return false, err
	}
	db, err := os.Stat(filepath.Dir(b))
	if err != nil {
		return false, err
	}
	return os.SameFile(da, db), nil
}

// kindOf names a non-regular file's type for a message.
func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

// unwrapPath drops the operation and path of a *fs.PathError, which the
// messages here already name.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func tempPattern(target string) string { return "." + filepath.Base(target) + ".tmp-*" }

// Stage writes the output of flag through write into a temporary file
// beside its target, synced to disk. The target is untouched until
// Commit. A flag that is not in the set (its path was empty) is an error,
// as is staging one twice.
func (s *Set) Stage(flag string, write func(w io.Writer) error) (err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.lookup(flag)
	switch {
	case s.done:
		return errors.New("outfile: Stage after Commit or Discard")
	case f == nil:
		return fmt.Errorf("outfile: no output for %s", flag)
	case f.tmp != "":
		return fmt.Errorf("outfile: %s staged twice", flag)
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.target), tempPattern(f.target))
	if err != nil {
		return fmt.Errorf("cannot write %s: %v", f.out.Path, unwrapPath(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriter(tmp)
	if err := write(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("writing %s: %v", f.out.Path, unwrapPath(err))
	}
	for _, step := range []func() error{func() error { return tmp.Chmod(f.mode) }, tmp.Sync, tmp.Close} {
		if err := step(); err != nil {
			return fmt.Errorf("writing %s: %v", f.out.Path, unwrapPath(err))
		}
	}
	f.tmp = tmp.Name()
	return nil
}

func (s *Set) lookup(flag string) *file {
	for _, f := range s.files {
		if f.out.Flag == flag {
			return f
		}
	}
	return nil
}

// Has reports whether the set has an output for flag.
func (s *Set) Has(flag string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lookup(flag) != nil
}

// Commit renames every staged file over its target. Every output of the
// set must have been staged. Each rename is atomic, the set is not: if
// one fails (the directory vanished since Plan, say), the outputs before
// it are in place and the rest are removed.
func (s *Set) Commit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return errors.New("outfile: Commit after Commit or Discard")
	}
	for _, f := range s.files {
		if f.tmp == "" {
			s.discardLocked()
			return fmt.Errorf("outfile: %s was never staged", f.out.Flag)
		}
	}
	s.done = true
	for i, f := range s.files {
		if err := os.Rename(f.tmp, f.target); err != nil {
			for _, rest := range s.files[i:] {
				os.Remove(rest.tmp)
			}
			return fmt.Errorf("writing %s: %v", f.out.Path, unwrapPath(err))
		}
	}
	return nil
}

// Discard removes the staged temporary files, leaving every target as it
// was. It is safe to call at any time, more than once, and after Commit
// (when it does nothing).
func (s *Set) Discard() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.done {
		s.discardLocked()
	}
}

func (s *Set) discardLocked() {
	s.done = true
	for _, f := range s.files {
		if f.tmp != "" {
			os.Remove(f.tmp)
			f.tmp = ""
		}
	}
}
