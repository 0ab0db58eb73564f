//go:build linux

package testutil

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// OpenPty opens a pseudo-terminal pair, for tests of what programs do on a
// terminal. With raw set, the slave side's output is not post-processed
// (no "\r\n" for "\n"), so what is read from the master is what was
// written.
func OpenPty(raw bool) (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	fd := int(master.Fd())
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err == nil {
		err = unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0)
	}
	if err == nil {
		slave, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	}
	if err == nil && raw {
		var tio *unix.Termios
		tio, err = unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
		if err == nil {
			tio.Oflag &^= unix.OPOST
			err = unix.IoctlSetTermios(int(slave.Fd()), unix.TCSETS, tio)
		}
		if err != nil {
			slave.Close()
		}
	}
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	return master, slave, nil
}
