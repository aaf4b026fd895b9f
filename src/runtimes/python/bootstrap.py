"""Lambkin's Python runtime: runs inside an execution environment and serves
the function's handler over the Lambda Runtime API (2018-06-01).

The host starts it as ``python3 /var/runtime/bootstrap.py`` with the working
directory set to LAMBDA_TASK_ROOT. It imports the handler named by _HANDLER
once, then loops: fetch the next event, call ``handler(event, context)``, post
the result or the error. Only the standard library is used, and only what the
common path needs is imported up front, because every cold start pays for it.
"""

import decimal
import http.client
import json
import logging
import os
import sys
import time

API_VERSION = "2018-06-01"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
THIS_FILE = os.path.abspath(__file__)

# The request being served, for log records; empty during init, as on AWS.
current_request_id = ""


class RuntimeFault(Exception):
    """A failure the runtime reports under a Lambda error type."""

    def __init__(self, error_type, message, stack_trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.stack_trace = stack_trace or []


# ---------------------------------------------------------------- Runtime API


class RuntimeApiClient:
    """Speaks HTTP to the Runtime API over one kept-alive connection."""

    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self.host = host
        self.port = int(port)
        self.connection = None

    def next_invocation(self):
        """Blocks until an event arrives; returns (headers, body bytes)."""
        status, headers, body = self._request(
            "GET", "/runtime/invocation/next", None, {}
        )
        if status != 200:
            raise OSError("Runtime API /next answered HTTP %d" % status)
        return headers, body

    def post_response(self, request_id, body):
        self._post("/runtime/invocation/%s/response" % request_id, body, {})

    def post_error(self, request_id, error_type, payload):
        self._post(
            "/runtime/invocation/%s/error" % request_id,
            payload,
            {ERROR_TYPE_HEADER: error_type},
        )

    def post_init_error(self, error_type, payload):
        self._post("/runtime/init/error", payload, {ERROR_TYPE_HEADER: error_type})

    def _post(self, path, body, headers):
        headers = dict(headers, **{"Content-Type": "application/json"})
        self._request("POST", path, body, headers)

    def _request(self, method, path, body, headers):
        # One retry on a fresh connection: the server may have closed an idle
        # kept-alive socket between invocations.
        for attempt in (1, 2):
            if self.connection is None:
                # No timeout: /next is a long poll that may wait for hours.
                self.connection = http.client.HTTPConnection(self.host, self.port)
            try:
                self.connection.request(
                    method, "/%s%s" % (API_VERSION, path), body, headers
                )
                response = self.connection.getresponse()
                data = response.read()
                return response.status, response.headers, data
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


# -------------------------------------------------------------------- context


class CognitoIdentity:
    """``context.identity``: who called through Amazon Cognito, if anyone."""

    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __init__(self, fields):
        self.cognito_identity_id = fields.get("cognitoIdentityId")
        self.cognito_identity_pool_id = fields.get("cognitoIdentityPoolId")


class Client:
    """``context.client_context.client``: the calling mobile app."""

    __slots__ = (
        "installation_id",
        "app_title",
        "app_version_name",
        "app_version_code",
        "app_package_name",
    )

    def __init__(self, fields):
        for name in self.__slots__:
            setattr(self, name, fields.get(name))


class ClientContext:
    """``context.client_context``: the client context the caller sent."""

    __slots__ = ("custom", "env", "client")

    def __init__(self, fields):
        self.custom = fields.get("custom")
        self.env = fields.get("env")
        client = fields.get("client")
        self.client = Client(client) if isinstance(client, dict) else None


class LambdaContext:
    """The second argument of the handler, with AWS's attribute names."""

    def __init__(self, request_id, deadline_ms, function_arn, identity, client):
        environ = os.environ
        self.aws_request_id = request_id
        self.invoked_function_arn = function_arn
        self.function_name = environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        # A string, as AWS's own Python runtime exposes it.
        self.memory_limit_in_mb = environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = CognitoIdentity(identity or {})
        self.client_context = ClientContext(client) if client is not None else None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        """Milliseconds left before the invocation times out, never negative."""
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def log(self, message):
        """Writes text to the function log, as AWS's ``context.log`` does."""
        sys.stdout.write(str(message))
        sys.stdout.flush()


def parse_json_header(headers, name):
    """A header holding JSON, or None when it is absent or not an object."""
    text = headers.get(name)
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


# -------------------------------------------------------------------- logging


class LambdaLogHandler(logging.Handler):
    """Writes each record as one stdout line in AWS's text format."""

    def format(self, record):
        created = time.gmtime(record.created)
        stamp = "%s.%03dZ" % (
            time.strftime("%Y-%m-%dT%H:%M:%S", created),
            int(record.msecs),
        )
        message = logging.Formatter().format(record)
        return "[%s]\t%s\t%s\t%s\n" % (
            record.levelname,
            stamp,
            current_request_id,
            message,
        )

    def emit(self, record):
        try:
            line = self.format(record)
            write_record(line)
        except Exception:
            self.handleError(record)


def write_record(text):
    """Writes one log record; inner newlines become \\r to keep it one line."""
    body = text[:-1] if text.endswith("\n") else text
    sys.stdout.write(body.replace("\n", "\r") + "\n")
    sys.stdout.flush()


LOG_LEVELS = {
    "TRACE": logging.DEBUG,
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "WARN": logging.WARNING,
    "WARNING": logging.WARNING,
    "ERROR": logging.ERROR,
    "FATAL": logging.CRITICAL,
    "CRITICAL": logging.CRITICAL,
}


def install_logging():
    """Gives the root logger the Lambda handler.

    As in AWS's runtime, the root logger keeps Python's default level
    (WARNING) unless AWS_LAMBDA_LOG_LEVEL names one, so `logging.info`
    shows only once the function sets a level itself.
    """
    root = logging.getLogger()
    root.addHandler(LambdaLogHandler())
    wanted = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    if wanted in LOG_LEVELS:
        root.setLevel(LOG_LEVELS[wanted])


# --------------------------------------------------------------------- errors


def user_stack(traceback_object):
    """The traceback entries of the user's code, without this file's frames."""
    import traceback

    frames = [
        frame
        for frame in traceback.extract_tb(traceback_object)
        if os.path.abspath(frame.filename) != THIS_FILE
        and not frame.filename.startswith("<frozen ")
    ]
    return traceback.format_list(frames)


class ResultEncoder(json.JSONEncoder):
    """Encodes a handler's result as AWS's runtime does: Decimal values (as
    DynamoDB returns numbers) become numbers."""

    def default(self, o):
        if isinstance(o, decimal.Decimal):
            # Limitation: a float carries at most 17 significant digits, where
            # AWS's encoder writes the Decimal's own digits.
            return float(o)
        return super().default(o)


def marshal_result(result):
    """The response body (UTF-8 bytes) for a handler's result. From python3.12
    on, AWS writes non-ASCII text as itself rather than escaped; text that is
    not valid Unicode (a lone surrogate) is still escaped."""
    declared = sys.argv[1] if len(sys.argv) > 1 else ""
    if declared not in ("python3.9", "python3.10", "python3.11"):
        try:
            return ResultEncoder(ensure_ascii=False).encode(result).encode("utf-8")
        except UnicodeEncodeError:
            pass
    return ResultEncoder().encode(result).encode("ascii")


def error_payload(error_type, message, stack_trace, request_id):
    return json.dumps(
        {
            "errorMessage": message,
            "errorType": error_type,
            "requestId": request_id,
            "stackTrace": stack_trace,
        }
    )


def log_error(error_type, message, stack_trace):
    """Logs an error the way AWS does: one record, type, message, traceback."""
    text = "[ERROR] %s: %s\nTraceback (most recent call last):\n%s" % (
        error_type,
        message,
        "".join(stack_trace),
    )
    write_record(text)


def describe_exception(error):
    """(type, message, stack trace) of an exception raised by user code."""
    if isinstance(error, RuntimeFault):
        return error.error_type, error.message, error.stack_trace
    return type(error).__name__, str(error), user_stack(error.__traceback__)


# -------------------------------------------------------------- handler load


def set_up_sys_path(task_root):
    """Task root first, then the layers' folders, then whatever was there.

    Layers keep packages in python/lib/pythonX.Y/site-packages for the
    function's runtime, which Lambkin passes as the first argument; the
    host's own version is searched too, since it is the interpreter here.
    """
    opt = os.environ.get("LAMBKIN_OPT_DIR", "/opt")
    versions = []
    declared = sys.argv[1] if len(sys.argv) > 1 else ""
    if declared.startswith("python"):
        versions.append(declared)
    versions.append("python%d.%d" % sys.version_info[:2])
    front = [task_root]
    for version in versions:
        front.append("%s/python/lib/%s/site-packages" % (opt, version))
    front.append("%s/python" % opt)
    front = [entry for index, entry in enumerate(front)
             if os.path.isdir(entry) and entry not in front[:index]]
    rest = [entry for entry in sys.path if entry not in front]
    sys.path[:] = front + rest


def load_handler(handler_name):
    """Imports the handler's module and returns the handler function."""
    try:
        module_path, function_name = handler_name.rsplit(".", 1)
    except ValueError as error:
        raise RuntimeFault(
            "Runtime.MalformedHandlerName",
            "Bad handler '%s': %s" % (handler_name, error),
        ) from None
    import importlib

    try:
        module = importlib.import_module(module_path.replace("/", "."))
    except ImportError as error:
        raise RuntimeFault(
            "Runtime.ImportModuleError",
            "Unable to import module '%s': %s" % (module_path, error),
        ) from None
    except SyntaxError as error:
        raise RuntimeFault(
            "Runtime.UserCodeSyntaxError",
            "Syntax error in module '%s': %s" % (module_path, error),
            [
                '  File "%s" Line %s\n    %s\n'
                % (error.filename, error.lineno, (error.text or "").strip())
            ],
        ) from None
    handler = getattr(module, function_name, None)
    if handler is None:
        raise RuntimeFault(
            "Runtime.HandlerNotFound",
            "Handler '%s' missing on module '%s'" % (function_name, module_path),
        )
    return handler


# ----------------------------------------------------------------- invocation


def invoke(client, handler, headers, body):
    """Runs one invocation and posts its outcome."""
    global current_request_id
    request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
    current_request_id = request_id
    trace_id = headers.get("Lambda-Runtime-Trace-Id")
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    try:
        context = LambdaContext(
            request_id,
            int(headers.get("Lambda-Runtime-Deadline-Ms") or 0),
            headers.get("Lambda-Runtime-Invoked-Function-Arn"),
            parse_json_header(headers, "Lambda-Runtime-Cognito-Identity"),
            parse_json_header(headers, "Lambda-Runtime-Client-Context"),
        )
        try:
            event = json.loads(body) if body else {}
        except ValueError as error:
            raise RuntimeFault(
                "Runtime.UnmarshalError", "Unable to unmarshal input: %s" % error
            ) from None
        result = handler(event, context)
        try:
            payload = marshal_result(result)
        except (TypeError, ValueError) as error:
            raise RuntimeFault(
                "Runtime.MarshalError", "Unable to marshal response: %s" % error
            ) from None
    except Exception as error:
        error_type, message, stack_trace = describe_exception(error)
        log_error(error_type, message, stack_trace)
        flush_output()
        client.post_error(
            request_id,
            error_type,
            error_payload(error_type, message, stack_trace, request_id),
        )
        return
    flush_output()
    client.post_response(request_id, payload)


def flush_output():
    """Pushes out print() text that did not end with a newline."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


def main():
    # 1. Output: print() text reaches the log as it is written.
    sys.stdout.reconfigure(line_buffering=True)
    sys.stderr.reconfigure(line_buffering=True)
    install_logging()
    client = RuntimeApiClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    set_up_sys_path(task_root)

    # 2. Init: import the handler once; report a failure and stop.
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except Exception as error:
        error_type, message, stack_trace = describe_exception(error)
        log_error(error_type, message, stack_trace)
        flush_output()
        client.post_init_error(
            error_type, error_payload(error_type, message, stack_trace, "")
        )
        return 1

    # 3. Serve events until the host stops the environment.
    while True:
        headers, body = client.next_invocation()
        invoke(client, handler, headers, body)


if __name__ == "__main__":
    sys.exit(main())
