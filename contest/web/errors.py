"""Error pages in Vietnamese; JSON for the quiz page's background requests."""

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError

MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    403: "Bạn không có quyền truy cập trang này.",
    404: "Không tìm thấy trang bạn yêu cầu.",
    405: "Phương thức không được hỗ trợ.",
    413: "Tệp gửi lên quá lớn.",
    429: "Bạn thao tác quá nhanh. Vui lòng đợi một lát rồi thử lại.",
    500: "Hệ thống gặp lỗi. Vui lòng thử lại sau.",
}


def wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def render_error(code: int, message: str):
    if wants_json():
        return {"ok": False, "code": code, "message": message}, code
    return render_template("errors/error.html", code=code, message=message), code


def register(app: Flask) -> None:
    for code, message in MESSAGES.items():
        app.register_error_handler(code, lambda _e, c=code, m=message: render_error(c, m))

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        if wants_json():
            # The quiz page's token belongs to a session that has ended: its script keeps the
            # unsaved answers (code "session_expired") until the participant logs in and reloads.
            message = (
                "Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại rồi tải lại trang; "
                "các câu chưa lưu vẫn được giữ trên máy này."
            )
            return {"ok": False, "code": "session_expired", "message": message}, 400
        return render_error(
            400, "Phiên làm việc đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại."
        )
