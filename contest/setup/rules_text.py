"""The demo contest's free rules text (thể lệ), in Markdown, written the way provincial contests
publish theirs. Rounds, times, questions, attempts, ranking and prize counts are not here: the
rules page generates them from the settings, so that they can never contradict them."""

DEMO_RULES_INTRO = """\
Cuộc thi nhằm tuyên truyền, phổ biến các quy định về kiểm soát thủ tục hành chính, cải cách \
thủ tục hành chính và thực hiện thủ tục hành chính trên môi trường điện tử, góp phần nâng cao \
chất lượng phục vụ người dân, doanh nghiệp.
"""

DEMO_RULES_PARTICIPANTS = """\
- **Nhóm 1:** Cán bộ, công chức, viên chức, người lao động, lực lượng vũ trang đang công tác \
tại các cơ quan, đơn vị trên địa bàn tỉnh.
- **Nhóm 2:** Nhân dân (học sinh, sinh viên, người lao động tại doanh nghiệp và mọi công dân) \
từ đủ 12 tuổi trở lên.
- Thành viên Ban Tổ chức, Tổ biên soạn câu hỏi, Ban Giám khảo và Tổ thư ký được tham gia \
nhưng không được xét trao giải.
- Mỗi người chỉ đăng ký một tài khoản bằng thông tin thật của mình; không thi hộ, không dùng \
thông tin của người khác. Bài thi vi phạm bị hủy kết quả.
"""

DEMO_RULES_PRIZES = """\
Giải cá nhân gồm giấy khen của Chủ tịch Ủy ban nhân dân tỉnh kèm tiền thưởng theo quy định. \
Giải tập thể trao cho các cơ quan, đơn vị có tỷ lệ tham gia cao nhất.
"""

DEMO_RULES_COMPLAINTS = """\
Kết quả được công bố trong vòng 10 ngày sau khi tuần thi kết thúc. Mọi khiếu nại gửi Ban Tổ \
chức trong vòng 05 ngày kể từ ngày công bố; thời gian và điểm do máy chủ ghi nhận là căn cứ \
duy nhất để xếp hạng.
"""
