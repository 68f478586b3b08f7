"""Vocabulary of the replica's text generator, written for this project.

Place names are those of Thanh Hóa's districts and towns (public geography); every sentence the replica
shows is assembled from these parts by `content.py`, so no text is copied from the real site.
"""

PLACES = [
    "Hoằng Hóa", "Hậu Lộc", "Nga Sơn", "Quảng Xương", "Tĩnh Gia", "Nông Cống", "Triệu Sơn", "Thọ Xuân",
    "Yên Định", "Thiệu Hóa", "Vĩnh Lộc", "Thạch Thành", "Cẩm Thủy", "Ngọc Lặc", "Lang Chánh", "Bá Thước",
    "Quan Hóa", "Quan Sơn", "Mường Lát", "Như Xuân", "Như Thanh", "Thường Xuân", "Hà Trung", "Đông Sơn",
    "Sầm Sơn", "Bỉm Sơn", "Nghi Sơn",
]

SUBJECTS = [
    "nông dân", "ngư dân", "học sinh", "giáo viên", "bác sĩ", "doanh nghiệp", "hợp tác xã", "đoàn viên thanh niên",
    "lực lượng biên phòng", "cán bộ y tế", "người cao tuổi", "hội phụ nữ", "chính quyền xã", "các hộ dân",
    "công nhân", "du khách", "vận động viên", "nghệ nhân", "ban quản lý dự án", "ngành điện lực",
]

VERBS = [
    "triển khai", "hoàn thành", "đẩy mạnh", "tổ chức", "khởi công", "tổng kết", "ra quân", "hưởng ứng",
    "chuẩn bị", "nâng cao", "mở rộng", "bảo vệ", "phát triển", "hỗ trợ", "tháo gỡ", "kiểm tra",
]

OBJECTS = [
    "mùa vụ mới", "công trình thủy lợi", "chương trình nông thôn mới", "lễ hội truyền thống", "tuyến đường liên xã",
    "phong trào thể dục thể thao", "kế hoạch phòng chống thiên tai", "dự án nhà ở xã hội", "mô hình trồng dưa lưới",
    "chuyển đổi số", "hoạt động du lịch cộng đồng", "tiêm chủng mở rộng", "năm học mới", "vốn tín dụng ưu đãi",
    "chợ phiên vùng cao", "cụm công nghiệp", "trạm bơm tiêu úng", "nghề dệt thổ cẩm", "vùng nguyên liệu mía",
    "sân chơi cho thiếu nhi",
]

TIME_PHRASES = [
    "Sáng nay", "Chiều qua", "Trong tuần này", "Từ đầu năm", "Những ngày qua", "Tối cùng ngày", "Hôm nay",
    "Trong tháng này", "Sau nhiều tháng chuẩn bị", "Ngay từ sáng sớm",
]

ADVERBS = [
    "khẩn trương", "đồng loạt", "tích cực", "chủ động", "kịp thời", "hiệu quả", "nghiêm túc", "sôi nổi",
]

OUTCOMES = [
    "nhận được sự đồng tình của người dân", "góp phần nâng cao đời sống nhân dân", "vượt kế hoạch đề ra",
    "tạo thêm việc làm cho lao động địa phương", "bảo đảm an toàn tuyệt đối", "thu hút đông đảo người tham gia",
    "mang lại hiệu quả kinh tế rõ rệt", "được các cấp đánh giá cao", "hoàn thành trước thời hạn",
    "giúp bà con yên tâm sản xuất",
]

NUMBERS_UNITS = ["héc-ta", "hộ dân", "tỷ đồng", "km", "học sinh", "gian hàng", "tấn", "lượt khách"]

FAMILY_NAMES = ["Nguyễn", "Lê", "Trần", "Phạm", "Hoàng", "Vũ", "Đỗ", "Trịnh", "Mai", "Lương", "Hà", "Đinh"]
MIDDLE_NAMES = ["Văn", "Thị", "Minh", "Hữu", "Thu", "Quang", "Ngọc", "Đức", "Thanh", "Hồng"]
GIVEN_NAMES = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hương", "Khánh", "Lan", "Linh", "Long",
               "Nam", "Nga", "Phong", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy"]

PROGRAMMES = ["Thời sự sáng", "Thời sự trưa", "Thời sự tối", "Bản tin nông nghiệp", "Thanh Hóa ngày mới",
              "Chuyên mục Người tốt việc tốt"]

# (slug, name shown, zone id): the replica's categories; zone ids feed /timelinelist/{zone}/{page}.htm.
CATEGORIES = [
    ("thoi-su", "Thời sự", "1801"),
    ("kinh-te", "Kinh tế", "1802"),
    ("xa-hoi", "Xã hội", "1803"),
    ("van-hoa", "Văn hóa", "1804"),
    ("the-thao", "Thể thao", "1805"),
    ("nhap-song-ttv", "Nhịp sống TTV", "1806"),
]
