#!/bin/sh
# Runs as root inside an environment's new mount, PID, IPC and UTS namespaces
# (under tini, PID 1). Builds the environment's root file system on a fresh
# tmpfs, switches to it, drops to the sandbox user and starts the bootstrap.
# Every program started here costs cold-start time, so steps are batched.
#
# Arguments: MOUNT_POINT SKELETON CODE_DIR RUNTIME_DIR MODULES_DIR LAYERS_DIR TMP_MB
#            UID GID RUNTIME_SOCKET API_SOCKET -- COMMAND...
# SKELETON is the root's folders, links and /etc, made once (root-skeleton.ts).
# LAYERS_DIR, the function's merged layers shown as /opt, is "-" without layers.
# The two sockets are "-" unless the environment has its own, empty network
# namespace; then they are forwarded to 127.0.0.1:9001 and :9002 inside.
set -eu
mount_point=$1 skeleton=$2 code_dir=$3 runtime_dir=$4 modules_dir=$5 layers_dir=$6
tmp_mb=$7 uid=$8 gid=$9
shift 9
runtime_socket=$1 api_socket=$2
shift 2
[ "$1" = "--" ] && shift
# The function's PATH is for the function; setting up uses the system's.
function_path=$PATH
PATH=/usr/sbin:/usr/bin:/sbin:/bin
r=$mount_point

# unshare made every mount private, so nothing mounted here leaks to the host.
mount -t tmpfs -o size=4m,mode=0755 lambkin-root "$r"
cp -a "$skeleton/." "$r/"

# 1. The operating system (programs, libraries, certificates), read-only;
#    the skeleton's /etc holds only what a function needs.
mount -o bind,ro,nosuid,nodev /usr "$r/usr"
mount -o bind,ro,nosuid,nodev /etc/ssl "$r/etc/ssl"

# 2. The function: its code, its layers, the runtime and the SDK AWS provides,
#    read-only.
mount -o bind,ro,nosuid,nodev "$code_dir" "$r/var/task"
[ "$layers_dir" = - ] || mount -o bind,ro,nosuid,nodev "$layers_dir" "$r/opt"
mount -o bind,ro,nosuid,nodev "$runtime_dir" "$r/var/runtime"
mount -o bind,ro,nosuid,nodev "$modules_dir" "$r/var/node_modules"

# 3. Private, sized scratch space, and the kernel's views.
mount -t tmpfs -o "size=${tmp_mb}m,mode=1777,nosuid,nodev" tmp "$r/tmp"
mount -t tmpfs -o size=1m,mode=1777,nosuid,nodev shm "$r/dev/shm"
mount -t proc -o nosuid,nodev,noexec proc "$r/proc"
for device in null zero random urandom; do
  mount -o bind "/dev/$device" "$r/dev/$device"
done

echo sandbox > "$r/proc/sys/kernel/hostname"
if [ "$runtime_socket" != - ]; then
  mount -o bind "$runtime_socket" "$r/run/lambkin/runtime.sock"
  mount -o bind "$api_socket" "$r/run/lambkin/api.sock"
fi

# 4. Switch to the new root; the host's file system is gone from view.
mount -o remount,ro "$r"
cd "$r"
pivot_root . .old-root
umount -l /.old-root
cd /var/task

# 5. With no network, only the loopback device, and on it two forwarders.
as_sandbox_user() {
  /usr/bin/setpriv --reuid="$uid" --regid="$gid" --clear-groups --no-new-privs \
    --inh-caps=-all --bounding-set=-all -- "$@"
}
if [ "$runtime_socket" != - ]; then
  ip link set lo up
  as_sandbox_user socat TCP-LISTEN:9001,bind=127.0.0.1,reuseaddr,fork \
    UNIX-CONNECT:/run/lambkin/runtime.sock &
  as_sandbox_user socat TCP-LISTEN:9002,bind=127.0.0.1,reuseaddr,fork \
    UNIX-CONNECT:/run/lambkin/api.sock &
  # Ports 9001 and 9002 are 2329 and 232A in /proc/net/tcp.
  until grep -q ':2329 .* 0A ' /proc/net/tcp && grep -q ':232A .* 0A ' /proc/net/tcp; do :; done
fi

# 6. Start the bootstrap as the unprivileged sandbox user, with no way back.
PATH=$function_path
exec /usr/bin/setpriv --reuid="$uid" --regid="$gid" --clear-groups --no-new-privs \
  --inh-caps=-all --bounding-set=-all -- "$@"
