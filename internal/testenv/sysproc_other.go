//go:build !linux

package testenv

import (
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// sysProcAttr ignores deathSig: only Linux has a parent-death signal, so elsewhere
// servers are stopped by cleanups only.
func sysProcAttr(cred *syscall.Credential, _ syscall.Signal) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: cred, Setpgid: true}
}

// childrenByParent maps each parent pid to its children, as listed by ps.
func childrenByParent() (map[int][]int, error) {
	out, err := exec.Command("ps", "-A", "-o", "pid=", "-o", "ppid=").Output()
	if err != nil {
		return nil, err
	}
	children := make(map[int][]int)
	for _, line := range strings.Split(string(out), "\n") {
		fields := strings.Fields(line)
		if len(fields) != 2 {
			continue
		}
		pid, err1 := strconv.Atoi(fields[0])
		ppid, err2 := strconv.Atoi(fields[1])
		if err1 == nil && err2 == nil {
			children[ppid] = append(children[ppid], pid)
		}
	}
	return children, nil
}
