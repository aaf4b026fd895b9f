#!/bin/sh
# Runs as root inside an environment's new mount, PID, IPC and UTS namespaces
# (under tini, PID 1). Builds the environment's root file system on a fresh
# tmpfs, switches to it, drops to the sandbox user and starts the bootstrap.
#
# Arguments: MOUNT_POINT CODE_DIR RUNTIME_DIR MODULES_DIR TMP_MB UID GID -- COMMAND...
set -eu
mount_point=$1 code_dir=$2 runtime_dir=$3 modules_dir=$4 tmp_mb=$5 uid=$6 gid=$7
shift 7
[ "$1" = "--" ] && shift
# The function's PATH is for the function; setting up uses the system's.
function_path=$PATH
PATH=/usr/sbin:/usr/bin:/sbin:/bin

# Nothing mounted here may leak back to the host.
mount --make-rprivate /
root=$mount_point
mount -t tmpfs -o size=4m,mode=0755 lambkin-root "$root"
mkdir -p "$root/.old-root"

# bind_ro HOST_PATH PATH_IN_ROOT: a read-only view of a host folder or file.
bind_ro() {
  if [ -d "$1" ]; then mkdir -p "$root$2"; else touch "$root$2"; fi
  mount --bind "$1" "$root$2"
  mount -o remount,bind,ro,nosuid,nodev "$root$2"
}

# 1. The operating system: programs and libraries only, read-only.
bind_ro /usr /usr
for link in bin sbin lib lib64; do
  [ -e "/$link" ] && ln -s "usr/$link" "$root/$link"
done
mkdir -p "$root/etc"
for entry in ssl ca-certificates alternatives ld.so.cache localtime; do
  [ -e "/etc/$entry" ] && bind_ro "/etc/$entry" "/etc/$entry"
done
printf 'root:x:0:0::/:/sbin/nologin\nsbx_user1051:x:%s:%s::/tmp:/sbin/nologin\n' \
  "$uid" "$gid" > "$root/etc/passwd"
printf 'root:x:0:\nsbx_user1051:x:%s:\n' "$gid" > "$root/etc/group"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$root/etc/hosts"
[ -f /etc/resolv.conf ] && cp /etc/resolv.conf "$root/etc/resolv.conf"

# 2. The function: its code, the runtime and the SDK AWS provides, read-only.
bind_ro "$code_dir" /var/task
bind_ro "$runtime_dir" /var/runtime
bind_ro "$modules_dir" /var/node_modules

# 3. Private, sized scratch space, and the kernel's views.
mkdir -p "$root/tmp" "$root/proc" "$root/dev"
mount -t tmpfs -o "size=${tmp_mb}m,mode=1777,nosuid,nodev" tmp "$root/tmp"
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
mount -t tmpfs -o size=64k,mode=0755,nosuid dev "$root/dev"
for device in null zero full random urandom tty; do
  touch "$root/dev/$device"
  mount --bind "/dev/$device" "$root/dev/$device"
done
ln -s /proc/self/fd "$root/dev/fd"
mkdir -p "$root/dev/shm"
mount -t tmpfs -o size=1m,mode=1777,nosuid,nodev shm "$root/dev/shm"

# 4. Switch to the new root; the host's file system is gone from view.
mount -o remount,ro "$root"
cd "$root"
pivot_root . .old-root
umount -l /.old-root
cd /var/task
hostname sandbox

# 5. Start the bootstrap as the unprivileged sandbox user, with no way back.
PATH=$function_path
exec /usr/bin/setpriv --reuid="$uid" --regid="$gid" --clear-groups --no-new-privs \
  --inh-caps=-all --bounding-set=-all -- "$@"
