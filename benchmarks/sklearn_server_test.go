package benchmarks

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
)

// sklearnServer is one python3 process running sklearn/fit.py serve: it
// loaded X.npy and y.npy once, as a user's script does, and answers one
// command line at a time on its stdin, so that a timed fit is one
// estimator.fit(X, y) plus a pipe round trip of microseconds, not an
// interpreter start, imports and a load.
type sklearnServer struct {
	files  endToEndFiles
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	stderr *bytes.Buffer
}

// sklearnScript is fit.py, relative to the package directory in which go
// test runs benchmarks.
const sklearnScript = "sklearn/fit.py"

// pythonInterpreter is $LANES_PYTHON, or python3. Debian's scikit-learn
// is installed for the system's python3 (see install-sklearn.sh).
func pythonInterpreter() string {
	if p := os.Getenv("LANES_PYTHON"); p != "" {
		return p
	}
	return "python3"
}

// oneThread pins numpy's BLAS and any OpenMP code to one thread. fit.py
// sets the same before it imports numpy; setting it here too keeps the
// pin if the script is edited.
var oneThread = []string{"OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1", "MKL_NUM_THREADS=1"}

var (
	sklearnCheck   sync.Once
	sklearnMissing string // why impl=sklearn is skipped; "" if it runs
)

// sklearnUnavailable says why scikit-learn cannot run here, or "".
func sklearnUnavailable() string {
	sklearnCheck.Do(func() {
		py := pythonInterpreter()
		if _, err := exec.LookPath(py); err != nil {
			sklearnMissing = fmt.Sprintf("%s not found: install Python 3 and scikit-learn (sudo bash benchmarks/install-sklearn.sh)", py)
			return
		}
		out, err := exec.Command(py, "-c", "import sklearn, numpy").CombinedOutput()
		if err != nil {
			sklearnMissing = fmt.Sprintf("scikit-learn is missing for %s (sudo bash benchmarks/install-sklearn.sh): %s",
				py, strings.TrimSpace(string(out)))
		}
	})
	return sklearnMissing
}

// startSklearn starts fit.py serve on files and waits until it has
// loaded them.
func startSklearn(files endToEndFiles) (*sklearnServer, error) {
	s := &sklearnServer{files: files, stderr: new(bytes.Buffer)}
	s.cmd = exec.Command(pythonInterpreter(), sklearnScript, "serve", files.x, files.y)
	s.cmd.Env = append(os.Environ(), oneThread...)
	s.cmd.Stderr = s.stderr
	var err error
	if s.stdin, err = s.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s.stdout = bufio.NewReader(out)
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	if _, err := s.reply("ready"); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// fit runs one estimator.fit(X, y); spec is a model and its options as
// fit.py reads them, e.g. "ridge --l2 0.5".
func (s *sklearnServer) fit(spec string) error {
	if _, err := fmt.Fprintf(s.stdin, "fit %s\n", spec); err != nil {
		return s.failed(err)
	}
	_, err := s.reply("ok")
	return err
}

// mse returns the training MSE of the last fit, computed by the server
// after the timing, not as part of it.
func (s *sklearnServer) mse() (float64, error) {
	if _, err := fmt.Fprintln(s.stdin, "mse"); err != nil {
		return 0, s.failed(err)
	}
	v, err := s.reply("mse")
	if err != nil {
		return 0, err
	}
	return strconv.ParseFloat(v, 64)
}

// reply reads one answer line, "WORD rest" or "error message", and
// returns rest.
func (s *sklearnServer) reply(word string) (string, error) {
	line, err := s.stdout.ReadString('\n')
	if err != nil {
		return "", s.failed(err)
	}
	got, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
	if got != word {
		return "", fmt.Errorf("fit.py serve: want %q, got %q", word, strings.TrimSpace(line))
	}
	return rest, nil
}

// failed describes a broken pipe with what the script wrote to stderr.
func (s *sklearnServer) failed(err error) error {
	return fmt.Errorf("fit.py serve %s %s: %w; stderr: %s", s.files.x, s.files.y, err, strings.TrimSpace(s.stderr.String()))
}

// close ends the server: at the end of its stdin fit.py exits.
func (s *sklearnServer) close() {
	s.stdin.Close()
	s.cmd.Wait()
}

// currentSklearn is the one server alive: the benchmark moves from shape
// to shape, and one server at a time keeps one copy of the data in
// Python's memory, not one per shape.
var currentSklearn *sklearnServer

// sklearnFor returns a server holding files, starting it if needed.
func sklearnFor(files endToEndFiles) (*sklearnServer, error) {
	if currentSklearn != nil && currentSklearn.files == files {
		return currentSklearn, nil
	}
	if currentSklearn != nil {
		currentSklearn.close()
		currentSklearn = nil
	}
	s, err := startSklearn(files)
	if err != nil {
		return nil, err
	}
	currentSklearn = s
	return s, nil
}
