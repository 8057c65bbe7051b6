//go:build unix

package outfile

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

// Links, devices, FIFOs and sockets: the kinds of path that a plain
// create-and-rename would silently replace.

func TestSymlinkIsFollowed(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.json")
	write(t, target, "old")
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink("real.json", link); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "new-link.json")
	if err := os.Symlink("created.json", dangling); err != nil {
		t.Fatal(err)
	}
	s, err := Plan(nil, []Path{{"--out", link}, {"--plot", dangling}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Stage("--out", text("new")); err != nil {
		t.Fatal(err)
	}
	if err := s.Stage("--plot", text("made")); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", fi.Mode(), err)
	}
	if got := read(t, target); got != "new" {
		t.Errorf("the link's target holds %q, want the new output", got)
	}
	if got := read(t, filepath.Join(dir, "created.json")); got != "made" {
		t.Errorf("the dangling link's target holds %q", got)
	}
}

func TestSymlinkInputsAndOutputs(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data.csv")
	write(t, data, "x,y\n1,2\n")
	toData := filepath.Join(dir, "to-data")
	if err := os.Symlink(data, toData); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(dir, "hard.csv")
	if err := os.Link(data, hard); err != nil {
		t.Fatal(err)
	}
	a := filepath.Join(dir, "a.svg")
	toA := filepath.Join(dir, "to-a.svg")
	if err := os.Symlink("a.svg", toA); err != nil { // dangling: a.svg does not exist yet
		t.Fatal(err)
	}
	subLink := filepath.Join(dir, "again")
	if err := os.Symlink(".", subLink); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop")
	if err := os.Symlink("loop", loop); err != nil {
		t.Fatal(err)
	}
	in := []Path{{"--data", data}}
	planFails(t, in, []Path{{"--out", toData}}, "--out", "--data")
	planFails(t, in, []Path{{"--out", hard}}, "--out", "--data")
	planFails(t, in, []Path{{"--out", a}, {"--plot", toA}}, "same file")
	planFails(t, in, []Path{{"--out", a}, {"--plot", filepath.Join(subLink, "a.svg")}}, "same file")
	planFails(t, in, []Path{{"--out", loop}}, "--out", "symbolic links")
}

func TestSpecialFilesRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := unix.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	planFails(t, nil, []Path{{"--out", fifo}}, "--out", "named pipe")
	if _, err := os.Stat("/dev/null"); err == nil {
		planFails(t, nil, []Path{{"--out", "/dev/null"}}, "--out /dev/null", "character device")
	}
	if os.Geteuid() == 0 {
		// Root can make device nodes, and rename would replace one.
		dev := filepath.Join(dir, "null")
		if err := unix.Mknod(dev, unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))); err != nil {
			t.Fatal(err)
		}
		planFails(t, nil, []Path{{"--out", dev}}, "character device")
		link := filepath.Join(dir, "to-null")
		if err := os.Symlink(dev, link); err != nil {
			t.Fatal(err)
		}
		planFails(t, nil, []Path{{"--plot", link}}, "--plot", "character device")
		if fi, err := os.Lstat(dev); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
			t.Errorf("the device node changed: %v, %v", fi.Mode(), err)
		}
	}
	before := inDir(t, dir)
	slices.Sort(before)
	for _, name := range before {
		if name != "fifo" && name != "null" && name != "to-null" {
			t.Errorf("a refused plan left %s", name)
		}
	}
}
