package rie

// Descendants lists the processes the emulator started (for the test that nothing outlives Stop).
func (f *Function) Descendants() []int { return descendants(f.cmd.Process.Pid) }

// Alive reports whether pid still runs.
func Alive(pid int) bool { return alive(pid) }

var FindRIE, EmulatorFor = findRIE, emulatorFor

// SetEmulatorDirs replaces the fallback directories searched for qemu, until the returned func runs.
func SetEmulatorDirs(dirs []string) (restore func()) {
	old := emulatorDirs
	emulatorDirs = dirs
	return func() { emulatorDirs = old }
}
