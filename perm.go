package keyutils

import (
	"fmt"
	"strconv"
	"strings"
)

// Perm is a key's 32-bit permission mask: four classes (possessor, user,
// group, other), each with six bits (view, read, write, search, link,
// setattr). See keyrings(7).
type Perm uint32

// The permission bits, as in keyutils.h (KEY_POS_VIEW ... KEY_OTH_ALL).
const (
	PosView    Perm = 0x01000000 // possessor may view the key's attributes
	PosRead    Perm = 0x02000000 // possessor may read the payload
	PosWrite   Perm = 0x04000000 // possessor may update the payload
	PosSearch  Perm = 0x08000000 // possessor may find the key by search
	PosLink    Perm = 0x10000000 // possessor may link the key
	PosSetattr Perm = 0x20000000 // possessor may change owner, mask, timeout
	PosAll     Perm = 0x3f000000

	UsrView    Perm = 0x00010000
	UsrRead    Perm = 0x00020000
	UsrWrite   Perm = 0x00040000
	UsrSearch  Perm = 0x00080000
	UsrLink    Perm = 0x00100000
	UsrSetattr Perm = 0x00200000
	UsrAll     Perm = 0x003f0000

	GrpView    Perm = 0x00000100
	GrpRead    Perm = 0x00000200
	GrpWrite   Perm = 0x00000400
	GrpSearch  Perm = 0x00000800
	GrpLink    Perm = 0x00001000
	GrpSetattr Perm = 0x00002000
	GrpAll     Perm = 0x00003f00

	OthView    Perm = 0x00000001
	OthRead    Perm = 0x00000002
	OthWrite   Perm = 0x00000004
	OthSearch  Perm = 0x00000008
	OthLink    Perm = 0x00000010
	OthSetattr Perm = 0x00000020
	OthAll     Perm = 0x0000003f
)

// PermClass selects one of the four classes of a Perm.
type PermClass uint

// The permission classes, in the order keyctl describe prints them.
const (
	Possessor PermClass = 24
	User      PermClass = 16
	Group     PermClass = 8
	Other     PermClass = 0
)

// PermBits are the six bits of one class: view 0x01, read 0x02, write
// 0x04, search 0x08, link 0x10, setattr 0x20.
type PermBits uint8

// The bits of one class.
const (
	PermView    PermBits = 0x01
	PermRead    PermBits = 0x02
	PermWrite   PermBits = 0x04
	PermSearch  PermBits = 0x08
	PermLink    PermBits = 0x10
	PermSetattr PermBits = 0x20
	PermAll     PermBits = 0x3f
)

// Class returns the six bits of class c.
func (p Perm) Class(c PermClass) PermBits { return PermBits(p>>c) & PermAll }

// With returns p with bits b of class c set.
func (p Perm) With(c PermClass, b PermBits) Perm { return p | Perm(b&PermAll)<<c }

// Valid reports whether p has no bits outside the 24 defined ones. The
// kernel refuses other masks with EINVAL.
func (p Perm) Valid() bool { return p&^(PosAll|UsrAll|GrpAll|OthAll) == 0 }

// String returns the 24-character form keyctl describe prints: for
// possessor, user, group and other in turn, "alswrv" with '-' for each
// clear bit, e.g. "alswrv-----v------------" for 0x3f010000.
func (p Perm) String() string {
	var b [24]byte
	for i, c := range [...]PermClass{Possessor, User, Group, Other} {
		p.Class(c).put(b[i*6 : i*6+6])
	}
	return string(b[:])
}

// Hex returns p as 8 lowercase hex digits, the form the kernel's
// description string and /proc/keys use.
func (p Perm) Hex() string {
	s := strconv.FormatUint(uint64(p), 16)
	return strings.Repeat("0", 8-len(s)) + s
}

// String returns the 6-character "alswrv" form of b, '-' for clear bits.
func (b PermBits) String() string {
	var s [6]byte
	b.put(s[:])
	return string(s[:])
}

func (b PermBits) put(dst []byte) {
	const letters = "alswrv"
	for i := 0; i < 6; i++ {
		if b&(0x20>>i) != 0 {
			dst[i] = letters[i]
		} else {
			dst[i] = '-'
		}
	}
}

// ParsePerm parses a permission mask written as keyctl setperm accepts it
// (a number in C notation: 0x1f010000, 037, 42) or in the 24-character
// form that Perm.String and keyctl describe print.
func ParsePerm(s string) (Perm, error) {
	if len(s) == 24 && strings.Trim(s, "alswrv-") == "" {
		var p Perm
		for i, c := range [...]PermClass{Possessor, User, Group, Other} {
			for j := 0; j < 6; j++ {
				ch := s[i*6+j]
				switch {
				case ch == "alswrv"[j]:
					p = p.With(c, PermBits(0x20>>j))
				case ch != '-':
					return 0, fmt.Errorf("keyutils: bad permission string %q", s)
				}
			}
		}
		return p, nil
	}
	v, err := strconv.ParseUint(s, 0, 32)
	if err != nil {
		return 0, fmt.Errorf("keyutils: bad permission mask %q", s)
	}
	return Perm(v), nil
}
