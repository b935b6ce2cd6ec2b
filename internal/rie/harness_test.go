package rie_test

import (
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"meldwijzer/internal/rie"
)

// A missing emulator is an error with the install command (Start turns it into t.Fatal, never a skip).
func TestMissingEmulatorHint(t *testing.T) {
	empty := t.TempDir()
	t.Setenv("PATH", empty) // no aws-lambda-rie, and no go to ask for GOPATH
	t.Setenv("GOBIN", "")
	t.Setenv("GOPATH", empty)
	_, err := rie.FindRIE()
	if err == nil || !strings.Contains(err.Error(), rie.InstallCommand) {
		t.Fatalf("err = %v, want the go install command", err)
	}
}

// A bootstrap for another architecture without qemu is an error with the apt-get hint.
func TestMissingQemuHint(t *testing.T) {
	foreign := elf.EM_AARCH64
	if runtime.GOARCH == "arm64" {
		foreign = elf.EM_X86_64
	}
	path := filepath.Join(t.TempDir(), "bootstrap")
	if err := os.WriteFile(path, elfHeader(foreign), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	defer rie.SetEmulatorDirs(nil)()
	_, err := rie.EmulatorFor(path)
	if err == nil || !strings.Contains(err.Error(), rie.QemuInstallCommand) {
		t.Fatalf("err = %v, want the apt-get hint", err)
	}
}

// elfHeader is the 64-byte header of an empty little-endian ELF64 executable for machine.
func elfHeader(machine elf.Machine) []byte {
	h := make([]byte, 64)
	copy(h, elf.ELFMAG)
	h[elf.EI_CLASS], h[elf.EI_DATA], h[elf.EI_VERSION] = byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT)
	binary.LittleEndian.PutUint16(h[16:], uint16(elf.ET_EXEC))
	binary.LittleEndian.PutUint16(h[18:], uint16(machine))
	binary.LittleEndian.PutUint32(h[20:], uint32(elf.EV_CURRENT))
	binary.LittleEndian.PutUint16(h[52:], 64) // e_ehsize
	return h
}

// The hello-world function answers under the emulator, and Stop ends the emulator and the
// bootstrap it started in a process group of its own.
func TestHelloAndNothingOutlivesStop(t *testing.T) {
	h := helloBaseline(t)
	t.Logf("rie: hello cold start %v, init %v, bootstrap %.1f MB", ms(h.cold), ms(h.init), mb(h.size))

	fn := rie.Start(t, bootstrap(t, "hello"), nil)
	if res := invokeAPI(t, fn, readFile(t, "../../functions/wegwijzer/testdata/apigw-v2-step.json")); res.StatusCode != 200 {
		t.Fatalf("hello: %d %s", res.StatusCode, res.Body)
	}
	pids := fn.Descendants()
	if len(pids) == 0 {
		t.Fatal("the emulator started no bootstrap")
	}
	fn.Stop()
	deadline := time.Now().Add(3 * time.Second)
	for _, pid := range pids {
		for rie.Alive(pid) {
			if time.Now().After(deadline) {
				t.Fatalf("process %d outlived Stop", pid)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}
