package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ekspodsec/terraform-provider-ekspodsec/internal/inputfile"
)

// sizeFlag is a byte count written as inputfile.ParseSize reads it (2GiB, 512MiB, ...).
type sizeFlag int64

func (s *sizeFlag) String() string { return inputfile.FormatSize(int64(*s)) }
func (s *sizeFlag) Set(v string) error {
	n, err := inputfile.ParseSize(v)
	if err != nil {
		return err
	}
	*s = sizeFlag(n)
	return nil
}

// fileID identifies the file a path names, or will name once created: an existing file
// by its device and inode (whatever the spelling: ./x, a symbolic link, a hard link), a
// file yet to be created by the real path of its directory and its name (after the
// symbolic links os.Create would follow, dangling ones included).
type fileID struct {
	info os.FileInfo // nil when the file does not exist yet
	path string
}

func identify(p string) fileID {
	for range 40 { // a dangling link to a dangling link ...
		if st, err := os.Stat(p); err == nil {
			return fileID{info: st}
		}
		li, err := os.Lstat(p)
		if err != nil || li.Mode()&os.ModeSymlink == 0 {
			break
		}
		target, err := os.Readlink(p)
		if err != nil {
			break
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(p), target)
		}
		p = target
	}
	dir := filepath.Dir(p)
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return fileID{path: filepath.Join(dir, filepath.Base(p))}
}

func (a fileID) same(b fileID) bool {
	if a.info != nil || b.info != nil {
		return a.info != nil && b.info != nil && os.SameFile(a.info, b.info)
	}
	return a.path == b.path
}

// regular reports whether the file is (or will be created as) a regular file: /dev/null
// or /dev/stdout given twice harm nothing.
func (a fileID) regular() bool { return a.info == nil || a.info.Mode().IsRegular() }

// distinctOutputs refuses two --output that name the same file (the second report
// would silently replace the first) and an --output that is the plan, the settings file
// or the baseline report (the report would replace its own input).
func distinctOutputs(outs []output, planPath, configPath, baselinePath string) error {
	type named struct {
		path string
		id   fileID
	}
	var seen []named
	inputs := map[string]string{}
	if planPath != "" && planPath != "-" {
		inputs["the plan"] = planPath
	}
	if configPath != "" {
		inputs["the --config file"] = configPath
	}
	if baselinePath != "" {
		inputs["the --baseline report"] = baselinePath
	}
	for _, o := range outs {
		if o.path == "" {
			continue
		}
		id := identify(o.path)
		if !id.regular() {
			continue
		}
		for what, in := range inputs {
			if id.same(identify(in)) {
				return fmt.Errorf("--output %s is %s: the report would overwrite its own input", o.path, what)
			}
		}
		for _, s := range seen {
			if id.same(s.id) {
				if s.path == o.path {
					return fmt.Errorf("--output %s is given twice: each report needs a file of its own", o.path)
				}
				return fmt.Errorf("--output %s and --output %s are the same file: each report needs a file of its own", s.path, o.path)
			}
		}
		seen = append(seen, named{o.path, id})
	}
	return nil
}
