"""The demo contest's rules (thể lệ), written the way provincial contests publish them."""

DEMO_RULES = """\
1. Đối tượng dự thi
- Nhóm 1: Cán bộ, công chức, viên chức, người lao động, lực lượng vũ trang đang công tác tại các \
cơ quan, đơn vị trên địa bàn tỉnh.
- Nhóm 2: Nhân dân (học sinh, sinh viên, người lao động tại doanh nghiệp và mọi công dân) từ đủ 12 tuổi trở lên.
- Thành viên Ban Tổ chức, Tổ biên soạn câu hỏi, Ban Giám khảo và Tổ thư ký được tham gia \
nhưng không được xét trao giải.

2. Hình thức và thời gian thi
- Thi trắc nghiệm trực tuyến, gồm 04 tuần thi. Mỗi tuần thi mở từ 08:00 và đóng lúc 08:00 \
ngày tương ứng của tuần kế tiếp (giờ Việt Nam, UTC+7).
- Mỗi lượt thi gồm 20 câu hỏi được máy chủ chọn ngẫu nhiên từ ngân hàng câu hỏi, thời gian \
làm bài 20 phút, tính từ lúc bấm "Bắt đầu thi". Hết giờ, hệ thống tự động thu bài với các câu \
trả lời đã được lưu.
- Mỗi người được thi tối đa 03 lượt trong một tuần; kết quả cao nhất được tính.
- Cuối bài có câu hỏi dự đoán số người tham gia dự thi của tuần thi.

3. Cách tính điểm và xếp giải
- Mỗi câu trả lời đúng được tính 01 điểm; câu có nhiều đáp án đúng phải chọn đủ và đúng.
- Thứ tự xếp hạng của từng tuần thi được nêu ở mục "Tiêu chí xếp hạng" bên dưới.
- Mỗi tuần thi trao: 01 giải Nhất, 02 giải Nhì, 03 giải Ba và 10 giải Khuyến khích. Một người \
đạt giải ở nhiều tuần chỉ nhận giải cao nhất.

4. Quy định chung
- Mỗi người chỉ đăng ký một tài khoản bằng thông tin thật của mình; không thi hộ, không dùng \
thông tin của người khác. Bài thi vi phạm bị hủy kết quả.
- Thời gian và điểm do máy chủ ghi nhận là căn cứ duy nhất để xếp hạng.
- Kết quả được công bố trong vòng 10 ngày sau khi tuần thi kết thúc. Mọi khiếu nại gửi Ban Tổ chức.
"""
