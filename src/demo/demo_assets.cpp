#include "demo/demo_assets.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <map>
#include <optional>
#include <random>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "asset/lifecycle.h"
#include "audit/audit.h"
#include "demo/sql.h"

namespace minsheng::demo {

namespace json = boost::json;
using asset::CardInput;
using asset::Event;
using asset::State;

Date ReferenceDate() { return MakeDate(2026, 11, 1); }

int64_t AssetTarget(Scale scale) {
  switch (scale) {
    case Scale::kSmall:
      return 5'000;
    case Scale::kMedium:
      return 100'000;
    case Scale::kLarge:
      return 1'000'000;
  }
  return 5'000;
}

namespace {

// ---------------------------------------------------------------------------
// Deterministic randomness: raw mt19937_64 output only (the std
// distributions differ between standard libraries), one generator per owner
// seeded from (seed, owner index), so an owner's cards do not depend on how
// many cards the others got.

uint64_t SplitMix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(SplitMix(seed)) {}
  uint64_t Next() { return g_(); }
  // Uniform in [lo, hi] (the modulo bias is far below anything a demo shows).
  int64_t Between(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  size_t Index(size_t n) { return static_cast<size_t>(Next() % n); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Index(v.size())];
  }

 private:
  std::mt19937_64 g_;
};

// "a|b|c" → {"a", "b", "c"}; "" → {}.
std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  if (s.empty()) return out;
  size_t start = 0;
  while (true) {
    const size_t at = s.find(sep, start);
    out.push_back(
        s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Chinese names: common surnames weighted by frequency (‰, rounded), given
// names of one or two characters.

struct Surname {
  const char* name;
  int weight;
};
constexpr Surname kSurnames[] = {
    {"王", 71},  {"李", 70}, {"张", 68}, {"刘", 54}, {"陈", 46}, {"杨", 31}, {"黄", 23},
    {"赵", 22},  {"吴", 20}, {"周", 19}, {"徐", 15}, {"孙", 14}, {"马", 13}, {"朱", 13},
    {"胡", 12},  {"郭", 12}, {"何", 11}, {"高", 11}, {"林", 11}, {"罗", 9},  {"郑", 9},
    {"梁", 8},   {"谢", 8},  {"宋", 7},  {"唐", 7},  {"许", 6},  {"韩", 6},  {"冯", 6},
    {"邓", 6},   {"曹", 6},  {"彭", 5},  {"曾", 5},  {"肖", 5},  {"田", 5},  {"董", 5},
    {"袁", 4},   {"潘", 4},  {"于", 4},  {"蒋", 4},  {"蔡", 4},  {"余", 4},  {"杜", 4},
    {"叶", 4},   {"程", 4},  {"苏", 3},  {"魏", 3},  {"吕", 3},  {"丁", 3},  {"任", 3},
    {"沈", 3},   {"姚", 3},  {"卢", 3},  {"姜", 3},  {"崔", 3},  {"钟", 3},  {"谭", 3},
    {"陆", 3},   {"汪", 3},  {"范", 3},  {"金", 3},  {"石", 3},  {"廖", 3},  {"贾", 2},
    {"夏", 2},   {"韦", 2},  {"付", 2},  {"方", 2},  {"白", 2},  {"邹", 2},  {"孟", 2},
    {"熊", 2},   {"秦", 2},  {"邱", 2},  {"江", 2},  {"尹", 2},  {"薛", 2},  {"闫", 2},
    {"段", 2},   {"雷", 2},  {"侯", 2},  {"龙", 2},  {"史", 2},  {"陶", 2},  {"黎", 2},
    {"贺", 2},   {"顾", 2},  {"毛", 2},  {"郝", 2},  {"龚", 2},  {"邵", 2},  {"万", 2},
    {"钱", 2},   {"严", 2},  {"武", 2},  {"戴", 2},  {"孔", 1},  {"汤", 1},  {"欧阳", 1},
    {"司马", 1},
};
constexpr const char* kGivenMale[] = {"伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明",
                                      "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波", "宇", "浩",
                                      "凯", "健", "俊", "帆", "旭", "宁", "龙", "林", "阳", "建",
                                      "国", "志", "海", "东", "文", "新", "春", "晓", "永", "德",
                                      "兵", "成", "峰", "亮", "振", "立", "庆", "子", "博", "晨"};
constexpr const char* kGivenFemale[] = {
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "桂", "英", "秀", "兰", "萍",
    "红", "梅", "琳", "婷", "雪", "慧", "颖", "洁", "倩", "丹", "莉", "蕾", "欣", "怡", "佳",
    "悦", "瑶", "璐", "晶", "岚", "雯", "琴", "云", "凤", "珍", "思", "雨", "晓", "春"};

std::string PersonName(Rng& rng) {
  static const int total = [] {
    int t = 0;
    for (const auto& s : kSurnames) t += s.weight;
    return t;
  }();
  int64_t r = rng.Between(0, total - 1);
  const char* surname = kSurnames[0].name;
  for (const auto& s : kSurnames) {
    if (r < s.weight) {
      surname = s.name;
      break;
    }
    r -= s.weight;
  }
  const bool male = rng.Chance(0.5);
  auto given = [&] {
    return male ? kGivenMale[rng.Index(std::size(kGivenMale))]
                : kGivenFemale[rng.Index(std::size(kGivenFemale))];
  };
  std::string name = surname;
  name += given();
  if (rng.Chance(0.72)) name += given();
  return name;
}

// ---------------------------------------------------------------------------
// What owners have. A place is what kind of location an asset goes to.

enum class Place {
  kAny,  // any room
  kOffice,
  kTeaching,  // classrooms
  kLab,
  kLibrary,
  kClinical,
  kBeds,  // wards, dormitories, residents' rooms
  kKitchen,
  kPlant,  // pump houses, gate stations, workshops
  kSport,
  kStage,
  kOutdoor,  // grounds, squares, fields (also land and structures)
  kGarage,
  kSite,  // a building as a whole (its own card)
};

enum class Shape {
  kGoods,    // equipment, furniture, books, structures: quantity lo … hi
  kVehicle,  // lo … hi: displacement in 0.1 litre
  kLand,     // lo … hi: area in m²; price per m²
};

// One kind of card. Prices are yuan per unit of measure (per m² for land).
struct Template {
  const char* names;     // alternatives "闸阀|蝶阀"
  const char* category;  // a leaf of the shipped GB/T 14885-2022 table
  const char* uom;
  int64_t price_lo, price_hi;
  int lo, hi;              // see Shape
  int weight;              // share of the unit's ordinary cards; 0 = fixed item
  int fixed_lo, fixed_hi;  // cards of a fixed item per owner
  Place place;
  Shape shape;
  const char* makes;    // "联想:启天M437,启天M455|华为:擎云W515" (brand[:models]) or ""
  const char* specs;    // alternatives or ""
  int life_years;       // 0: the category minimum
  const char* subject;  // 会计科目; nullptr: 1601 (1302 for materials)
};

constexpr Shape G = Shape::kGoods;
constexpr Shape V = Shape::kVehicle;
constexpr Shape L = Shape::kLand;

// A building is a card and a set of locations (floors × rooms).
struct BuildingSpec {
  const char* name;  // "教学楼" → "1号教学楼", "2号教学楼" when several
  const char* category;
  int count_lo, count_hi;
  int floors_lo, floors_hi;
  int area_lo, area_hi;        // m²
  int64_t price_lo, price_hi;  // yuan per m²
  Place rooms;                 // what its rooms are for
  const char* named_rooms;     // "物理实验室|化学实验室" or "" for numbered rooms
  const char* subject;         // nullptr: 1601
};

// ---- office equipment and furniture: every owner has some ----------------------

const std::vector<Template>& OfficeKit() {
  static const std::vector<Template> k = {
      {"台式计算机|办公计算机", "A02010105", "台", 3500, 7500, 1, 1, 30, 0, 0, Place::kOffice, G,
       "联想:启天M437,启天M455,扬天M4000q|华为:擎云W515|同方:超翔TL630|戴尔:OptiPlex "
       "7010|惠普:ProDesk 480 G9",
       "i5-12500/16G/512G SSD|i5-10500/8G/1T|i7-12700/16G/1T SSD|飞腾D2000/16G/512G "
       "SSD|兆芯KX-6640MA/8G/256G",
       0, nullptr},
      {"便携式计算机|笔记本电脑", "A02010108", "台", 4500, 9500, 1, 1, 8, 0, 0, Place::kOffice, G,
       "联想:昭阳K4e,ThinkPad E14|华为:MateBook B3-420|惠普:ProBook 440 G9|戴尔:Latitude 3440", "",
       0, nullptr},
      {"激光打印机|A4黑白激光打印机", "A02021003", "台", 900, 2600, 1, 1, 10, 0, 0, Place::kOffice,
       G, "惠普:LaserJet Pro M203dn|奔图:P3301DN|联想:LJ2605D|兄弟:HL-2595DW", "", 0, nullptr},
      {"彩色激光打印机", "A02021004", "台", 2500, 5500, 1, 1, 3, 0, 0, Place::kOffice, G,
       "惠普:Color LaserJet M255dw|奔图:CP2506DN|佳能:LBP664Cx", "", 0, nullptr},
      {"多功能一体机|打印复印扫描一体机", "A02020400", "台", 2500, 9000, 1, 1, 5, 0, 0,
       Place::kOffice, G, "佳能:iR 2206N|理光:MP 2014AD|奔图:M7160DW|京瓷:M2540dn", "", 0, nullptr},
      {"复印机|数码复合机", "A02020100", "台", 12000, 38000, 1, 1, 2, 0, 0, Place::kOffice, G,
       "理光:IM C3000|柯尼卡美能达:bizhub C300i|佳能:iR-ADV C3826|夏普:BP-M3151", "", 0, nullptr},
      {"碎纸机", "A02021301", "台", 400, 1800, 1, 1, 2, 0, 0, Place::kOffice, G,
       "科密:3803|得力:9935", "", 0, nullptr},
      {"办公桌|职员办公桌|主管办公桌", "A05010201", "张", 800, 2600, 1, 1, 12, 0, 0, Place::kOffice,
       G, "圣奥|震旦|得力|本地定制", "1400×700|1600×800|1800×900", 0, nullptr},
      {"办公椅|职员椅", "A05010301", "把", 300, 1200, 1, 1, 10, 0, 0, Place::kOffice, G,
       "圣奥|震旦|得力", "", 0, nullptr},
      {"文件柜|铁皮文件柜", "A05010502", "组", 600, 1800, 1, 1, 8, 0, 0, Place::kOffice, G, "", "",
       0, nullptr},
      {"书柜", "A05010501", "组", 800, 2500, 1, 1, 3, 0, 0, Place::kOffice, G, "", "", 0, nullptr},
      {"沙发|三人沙发", "A05010400", "套", 2000, 8000, 1, 1, 2, 0, 0, Place::kOffice, G, "", "", 0,
       nullptr},
      {"会议桌", "A05010202", "张", 3000, 15000, 1, 1, 1, 0, 0, Place::kOffice, G, "", "", 0,
       nullptr},
      {"会议椅", "A05010303", "把", 200, 800, 6, 30, 2, 0, 0, Place::kOffice, G, "", "", 0,
       nullptr},
      {"空调机|壁挂式空调|柜式空调", "A02061804", "台", 2800, 9000, 1, 1, 8, 0, 0, Place::kAny, G,
       "格力:KFR-35GW,KFR-72LW|美的:KFR-35GW/N8,KFR-51LW|海尔:KFR-50LW|奥克斯:KFR-35GW", "", 0,
       nullptr},
      {"不间断电源（UPS）", "A02061504", "台", 1500, 12000, 1, 1, 1, 0, 0, Place::kOffice, G,
       "山特:C3K,C6K|华为:UPS2000-A", "", 0, nullptr},
      {"交换机|网络交换机", "A02010202", "台", 800, 15000, 1, 1, 1, 0, 0, Place::kOffice, G,
       "华为:S5735-L24T4S|H3C:S5130S-28S|锐捷:RG-S2910", "", 0, nullptr},
      {"无线接入点", "A02010203", "台", 400, 2500, 1, 1, 1, 0, 0, Place::kAny, G,
       "华为:AirEngine 5761|H3C:WA6320|锐捷:RG-AP820", "", 0, nullptr},
      {"数码照相机", "A02020500", "台", 3000, 15000, 1, 1, 1, 0, 0, Place::kOffice, G,
       "佳能:EOS R7|尼康:Z6II|索尼:A7M3", "", 0, nullptr},
      {"电视机|液晶电视机", "A02091001", "台", 2000, 8000, 1, 1, 1, 0, 0, Place::kAny, G,
       "海信:65E3F|创维:65A3|TCL:65V8E|小米:L65M7", "", 0, nullptr},
      {"饮水机", "A02061899", "台", 300, 1500, 1, 1, 2, 0, 0, Place::kAny, G, "美的|安吉尔|沁园",
       "", 0, nullptr},
      {"视频监控设备|监控摄像机", "A02091102", "套", 1500, 30000, 1, 1, 2, 0, 0, Place::kAny, G,
       "海康威视:DS-2CD3T46|大华:DH-IPC-HFW2433", "", 0, nullptr},
  };
  return k;
}

// ---- per owner kind ------------------------------------------------------------------

const std::vector<Template>& DepartmentKit() {
  static const std::vector<Template> k = {
      {"服务器|机架式服务器", "A02010104", "台", 25000, 120000, 1, 1, 2, 0, 0, Place::kOffice, G,
       "华为:FusionServer 2288H V5|浪潮:NF5280M6|曙光:I620-G30|新华三:R4900 G5", "", 0, nullptr},
      {"防火墙", "A02010301", "台", 15000, 90000, 1, 1, 1, 0, 0, Place::kOffice, G,
       "深信服:AF-1000|天融信:NGFW4000|华为:USG6525E", "", 0, nullptr},
      {"磁盘阵列|网络存储设备", "A02010500", "台", 20000, 150000, 1, 1, 1, 0, 0, Place::kOffice, G,
       "华为:OceanStor 5300|浪潮:AS2200|群晖:RS1221+", "", 0, nullptr},
      {"视频会议终端|视频会议系统", "A02080300", "套", 8000, 80000, 1, 1, 1, 0, 0, Place::kOffice,
       G, "华为:TE30,Box 600|宝利通:Group 500|小鱼易连:ME90", "", 0, nullptr},
      {"投影仪|会议投影仪", "A02020200", "台", 3000, 15000, 1, 1, 2, 0, 0, Place::kOffice, G,
       "爱普生:CB-FH52,CB-X50|明基:E580|NEC:CD1200X", "", 0, nullptr},
      {"档案密集架", "A02040200", "组", 8000, 40000, 1, 1, 1, 0, 0, Place::kOffice, G, "", "", 0,
       nullptr},
      {"扫描仪|高速扫描仪", "A02019900", "台", 2000, 12000, 1, 1, 1, 0, 0, Place::kOffice, G,
       "富士通:fi-7160|佳能:DR-C240|紫光:Q2260", "", 0, nullptr},
      {"公务用车|轿车", "A02030501", "辆", 120000, 260000, 15, 20, 0, 1, 3, Place::kGarage, V,
       "一汽大众:迈腾,速腾|红旗:H5|比亚迪:秦PLUS DM-i|丰田:凯美瑞|长安:逸动", "", 0, nullptr},
      {"商务车", "A02030503", "辆", 180000, 320000, 20, 25, 0, 0, 1, Place::kGarage, V,
       "别克:GL8|江淮:瑞风M4", "", 0, nullptr},
      {"越野车", "A02030502", "辆", 150000, 300000, 20, 27, 0, 0, 1, Place::kGarage, V,
       "长城哈弗:H6|丰田:普拉多|吉普:自由光", "", 0, nullptr},
      {"办公用地|机关用地", "A01030100", "平方米", 150, 600, 3000, 15000, 0, 0, 1, Place::kOutdoor,
       L, "", "", 0, nullptr},
  };
  return k;
}

const std::vector<Template>& SchoolKit() {
  static const std::vector<Template> k = {
      {"学生计算机|台式计算机", "A02010105", "台", 3200, 6000, 1, 1, 40, 0, 0, Place::kLab, G,
       "联想:启天M437,扬天M4000q|同方:超翔TL630|清华同方:精锐M820",
       "i5-12500/8G/256G SSD|i3-10105/8G/256G SSD", 0, nullptr},
      {"平板电脑|学生平板电脑", "A02010109", "台", 1800, 4500, 1, 1, 8, 0, 0, Place::kTeaching, G,
       "华为:MatePad 11|联想:小新Pad Pro|希沃:学习机W2", "", 0, nullptr},
      {"投影仪|教学投影仪", "A02020200", "台", 3000, 12000, 1, 1, 12, 0, 0, Place::kTeaching, G,
       "爱普生:CB-X50,CB-FH52|明基:E580|NEC:CD1200X|鸿合:HT-D42A", "", 0, nullptr},
      {"投影幕|电动投影幕", "A02020300", "块", 500, 2500, 1, 1, 4, 0, 0, Place::kTeaching, G,
       "红叶|美视", "", 0, nullptr},
      {"交互式电子白板|电子白板", "A02020700", "块", 8000, 25000, 1, 1, 10, 0, 0, Place::kTeaching,
       G, "希沃:S15,BG86EA|鸿合:HD-I8679E|创维:86E60", "86英寸|75英寸", 0, nullptr},
      {"教学一体机|触控一体机", "A02020800", "台", 9000, 28000, 1, 1, 8, 0, 0, Place::kTeaching, G,
       "希沃:MC86FEA|鸿合:HD-I7590E|海信:86MR5D", "86英寸|75英寸", 0, nullptr},
      {"学生课桌|学生课桌（单人）", "A05010203", "张", 180, 450, 20, 60, 20, 0, 0, Place::kTeaching,
       G, "", "", 0, nullptr},
      {"学生椅|学生课椅", "A05010304", "把", 80, 220, 20, 60, 15, 0, 0, Place::kTeaching, G, "", "",
       0, nullptr},
      {"讲台|多媒体讲台", "A05010299", "张", 600, 3500, 1, 1, 3, 0, 0, Place::kTeaching, G, "", "",
       0, nullptr},
      {"黑板|推拉黑板|绿板", "A05040401", "块", 800, 3000, 1, 1, 6, 0, 0, Place::kTeaching, G, "",
       "", 0, nullptr},
      {"数学教具|地理教具|物理演示教具|化学演示教具", "A05040403", "套", 300, 3000, 1, 1, 6, 0, 0,
       Place::kLab, G, "", "", 0, nullptr},
      {"学生显微镜|生物显微镜", "A02100300", "台", 600, 1800, 10, 50, 4, 0, 0, Place::kLab, G,
       "奥特:BH200|永新:XSP-2CA|麦克奥迪:BA81", "", 0, nullptr},
      {"数字化实验系统|传感器实验系统", "A02100600", "套", 20000, 80000, 1, 1, 2, 0, 0, Place::kLab,
       G, "朗威:DISLab 8.0|伟福:WF-SY", "", 0, nullptr},
      {"学生电源", "A02430100", "台", 150, 400, 20, 50, 3, 0, 0, Place::kLab, G, "", "", 0,
       nullptr},
      {"通风柜|实验通风柜", "A02100600", "台", 6000, 15000, 1, 1, 2, 0, 0, Place::kLab, G, "", "",
       0, nullptr},
      {"实验台|学生实验台", "A05010203", "张", 1200, 3500, 4, 24, 3, 0, 0, Place::kLab, G, "", "",
       0, nullptr},
      {"电子天平|托盘天平", "A02121000", "台", 200, 1500, 10, 30, 2, 0, 0, Place::kLab, G,
       "梅特勒-托利多|上海精科", "", 0, nullptr},
      {"篮球架", "A02460200", "副", 3000, 12000, 1, 1, 2, 0, 0, Place::kOutdoor, G,
       "泰山体育|金陵体育", "", 0, nullptr},
      {"乒乓球台", "A02460200", "张", 1500, 4000, 1, 1, 2, 0, 0, Place::kOutdoor, G,
       "红双喜:T2023|双鱼", "", 0, nullptr},
      {"体操垫|海绵体操垫", "A02460400", "张", 200, 600, 10, 40, 1, 0, 0, Place::kSport, G, "", "",
       0, nullptr},
      {"跳高架|跨栏架", "A02460100", "副", 500, 3000, 1, 4, 1, 0, 0, Place::kSport, G, "泰山体育",
       "", 0, nullptr},
      {"钢琴|立式钢琴", "A02450100", "台", 15000, 45000, 1, 1, 1, 0, 0, Place::kLab, G,
       "珠江:UP118|星海:XU-121|雅马哈:U1J", "", 0, nullptr},
      {"电子琴", "A02450100", "台", 1200, 3000, 10, 40, 1, 0, 0, Place::kLab, G,
       "雅马哈:PSR-E373|卡西欧:CT-S300", "", 0, nullptr},
      {"校园广播系统|扩声系统", "A02091200", "套", 3000, 50000, 1, 1, 1, 0, 0, Place::kOffice, G,
       "ITC:T-6700|迪士普", "", 0, nullptr},
      {"图书（儿童文学）|图书（教辅资料）|图书（科普读物）|图书（文学名著）|图书（工具书）",
       "A04010100", "册", 18, 60, 100, 3000, 10, 0, 0, Place::kLibrary, G, "", "", 0, nullptr},
      {"图书架|书架", "A05010600", "组", 600, 1800, 1, 1, 4, 0, 0, Place::kLibrary, G, "", "", 0,
       nullptr},
      {"阅览桌", "A05010299", "张", 600, 1600, 1, 4, 2, 0, 0, Place::kLibrary, G, "", "", 0,
       nullptr},
      {"蒸饭柜|消毒柜|不锈钢操作台", "A05030000", "台", 1500, 12000, 1, 1, 2, 0, 0, Place::kKitchen,
       G, "", "", 0, nullptr},
      {"商用冰箱|冷柜", "A02061801", "台", 2500, 9000, 1, 1, 1, 0, 0, Place::kKitchen, G,
       "海尔|美的|星星", "", 0, nullptr},
      {"校园用地", "A01030100", "平方米", 80, 300, 10000, 60000, 0, 0, 1, Place::kOutdoor, L, "",
       "", 0, nullptr},
      {"塑胶运动场|运动场地", "A01021900", "平方米", 180, 400, 2000, 12000, 0, 0, 1,
       Place::kOutdoor, G, "", "", 0, nullptr},
      {"围墙和大门|校园围墙", "A01021800", "米", 300, 800, 200, 1200, 0, 0, 1, Place::kOutdoor, G,
       "", "", 0, nullptr},
  };
  return k;
}

const std::vector<Template>& BoardingKit() {
  static const std::vector<Template> k = {
      {"学生床|上下铺学生床", "A05010103", "张", 400, 900, 10, 40, 4, 0, 0, Place::kBeds, G, "", "",
       0, nullptr},
      {"学生储物柜", "A05010599", "组", 500, 1500, 1, 6, 1, 0, 0, Place::kBeds, G, "", "", 0,
       nullptr},
      {"校车|专用校车", "A02030702", "辆", 250000, 600000, 30, 45, 0, 1, 2, Place::kGarage, V,
       "宇通:ZK6609DX|金龙:XMQ6601|中通:LCK6609D", "", 0, nullptr},
      {"体育馆器材|健身器材", "A02460302", "套", 3000, 20000, 1, 1, 1, 0, 0, Place::kSport, G,
       "舒华|英派斯", "", 0, nullptr},
  };
  return k;
}

const std::vector<Template>& KindergartenKit() {
  static const std::vector<Template> k = {
      {"组合滑梯|秋千|蹦床|攀爬架", "A02470100", "套", 2000, 30000, 1, 1, 5, 0, 0, Place::kOutdoor,
       G, "启智|童乐", "", 0, nullptr},
      {"幼儿床|幼儿午睡床", "A05010104", "张", 150, 500, 10, 30, 6, 0, 0, Place::kTeaching, G, "",
       "", 0, nullptr},
      {"幼儿桌椅|幼儿桌", "A05010299", "套", 200, 600, 6, 30, 6, 0, 0, Place::kTeaching, G, "", "",
       0, nullptr},
      {"钢琴|立式钢琴", "A02450100", "台", 12000, 35000, 1, 1, 2, 0, 0, Place::kTeaching, G,
       "珠江:UP118|星海:XU-121", "", 0, nullptr},
      {"电子琴", "A02450100", "台", 1200, 3000, 1, 2, 2, 0, 0, Place::kTeaching, G,
       "雅马哈:PSR-E373", "", 0, nullptr},
      {"教学一体机", "A02020800", "台", 8000, 20000, 1, 1, 4, 0, 0, Place::kTeaching, G,
       "希沃:MC65FEA|鸿合", "", 0, nullptr},
      {"幼儿教具|积木玩具|益智玩具", "A05040403", "套", 200, 3000, 1, 1, 6, 0, 0, Place::kTeaching,
       G, "", "", 0, nullptr},
      {"消毒柜|紫外线消毒车", "A02061899", "台", 800, 5000, 1, 1, 2, 0, 0, Place::kKitchen, G,
       "康宝|美的", "", 0, nullptr},
      {"幼儿图书|绘本", "A04010100", "册", 15, 50, 50, 600, 3, 0, 0, Place::kTeaching, G, "", "", 0,
       nullptr},
      {"户外塑胶场地", "A01021900", "平方米", 150, 350, 500, 3000, 0, 0, 1, Place::kOutdoor, G, "",
       "", 0, nullptr},
  };
  return k;
}

// Medical equipment of hospitals and health centres (clinics take the first
// few: what a township or village needs).
const std::vector<Template>& HospitalKit() {
  static const std::vector<Template> k = {
      {"彩色多普勒超声诊断仪|彩超", "A02320302", "台", 300000, 1800000, 1, 1, 3, 0, 0,
       Place::kClinical, G, "迈瑞:Resona 7,DC-80|GE:LOGIQ E10,Voluson E8|飞利浦:EPIQ 7|开立:S60",
       "", 6, nullptr},
      {"B型超声诊断仪|便携式B超", "A02320301", "台", 80000, 350000, 1, 1, 3, 0, 0, Place::kClinical,
       G, "迈瑞:DP-50|开立:S11|汕头超声:CTS-8800", "", 6, nullptr},
      {"数字化X射线摄影系统（DR）|DR", "A02320401", "台", 500000, 2000000, 1, 1, 1, 0, 0,
       Place::kClinical, G, "联影:uDR 588i|万东:新东方1000|飞利浦:DigitalDiagnost|岛津:RADspeed",
       "", 8, nullptr},
      {"心电图机|十二导心电图机", "A02320201", "台", 8000, 60000, 1, 1, 6, 0, 0, Place::kClinical,
       G, "光电:ECG-2350|迈瑞:BeneHeart R12|理邦:SE-1201", "", 0, nullptr},
      {"多参数监护仪|监护仪", "A02320202", "台", 15000, 80000, 1, 1, 8, 0, 0, Place::kBeds, G,
       "迈瑞:BeneVision N12,ePM 10|理邦:iM8|飞利浦:MX450", "", 0, nullptr},
      {"除颤仪|除颤监护仪", "A02320203", "台", 40000, 150000, 1, 1, 2, 0, 0, Place::kClinical, G,
       "迈瑞:BeneHeart D3|飞利浦:HeartStart XL+", "", 0, nullptr},
      {"全自动生化分析仪", "A02320601", "台", 200000, 900000, 1, 1, 1, 0, 0, Place::kClinical, G,
       "迈瑞:BS-800M|迈克:C2000|日立:7180", "", 0, nullptr},
      {"血细胞分析仪|五分类血细胞分析仪", "A02320602", "台", 50000, 300000, 1, 1, 2, 0, 0,
       Place::kClinical, G, "迈瑞:BC-6800|希森美康:XN-1000|迪瑞:BCC-3900", "", 0, nullptr},
      {"尿液分析仪", "A02320603", "台", 10000, 80000, 1, 1, 2, 0, 0, Place::kClinical, G,
       "迪瑞:H-800|优利特:URIT-500B", "", 0, nullptr},
      {"牙科综合治疗台|牙科治疗椅", "A02320701", "台", 35000, 150000, 1, 1, 2, 0, 0,
       Place::kClinical, G, "西诺德:Intego|卡瓦:E70|登士柏:Primus 1058|佛山安亮:AL-398", "", 0,
       nullptr},
      {"多功能病床|电动护理床", "A02320800", "张", 3000, 15000, 1, 10, 8, 0, 0, Place::kBeds, G,
       "八乐梦:A5|迈德斯特:MD-D1|康宁:KN-A6", "", 0, nullptr},
      {"病床|普通病床", "A05010103", "张", 800, 2500, 5, 30, 10, 0, 0, Place::kBeds, G, "", "", 0,
       nullptr},
      {"输液泵|注射泵", "A02320299", "台", 5000, 20000, 1, 4, 5, 0, 0, Place::kBeds, G,
       "迈瑞:BeneFusion SP5|史密斯", "", 0, nullptr},
      {"呼吸机|无创呼吸机", "A02321100", "台", 80000, 400000, 1, 1, 2, 0, 0, Place::kBeds, G,
       "迈瑞:SV300|德尔格:Savina 300|鱼跃:YH-830", "", 0, nullptr},
      {"电子胃肠镜|电子胃镜", "A02320500", "套", 200000, 600000, 1, 1, 1, 0, 0, Place::kClinical, G,
       "奥林巴斯:CV-290|富士:VP-7000|开立:HD-550", "", 0, nullptr},
      {"压力蒸汽灭菌器|脉动真空灭菌器", "A02320900", "台", 30000, 300000, 1, 1, 1, 0, 0,
       Place::kClinical, G, "新华:XG1.DSE|老肯:MAST-A", "", 0, nullptr},
      {"手术器械包|手术器械", "A02320100", "套", 5000, 60000, 1, 1, 2, 0, 0, Place::kClinical, G,
       "", "", 0, nullptr},
      {"电动手术床|手术无影灯", "A02329900", "台", 30000, 200000, 1, 1, 1, 0, 0, Place::kClinical,
       G, "迈瑞:HyBase 6100|明泰:MT-800", "", 0, nullptr},
      {"中药煎药机|针灸治疗仪|中频治疗仪", "A02321000", "台", 3000, 40000, 1, 1, 2, 0, 0,
       Place::kClinical, G, "", "", 0, nullptr},
      {"轮椅", "A02329900", "台", 500, 3000, 1, 5, 2, 0, 0, Place::kBeds, G, "鱼跃:H062|互邦", "",
       0, nullptr},
      {"药品柜|西药柜", "A05010599", "组", 800, 3500, 1, 1, 4, 0, 0, Place::kClinical, G, "", "", 0,
       nullptr},
      {"医用冷藏箱|药品冷藏柜", "A02061801", "台", 3000, 20000, 1, 1, 2, 0, 0, Place::kClinical, G,
       "海尔生物:HYC-390", "", 0, nullptr},
      {"X射线计算机体层摄影设备（CT）|CT机", "A02320402", "台", 3000000, 8000000, 1, 1, 0, 0, 2,
       Place::kClinical, G, "联影:uCT 528|GE:Revolution ACT|西门子:SOMATOM go.Up", "", 8, nullptr},
      {"救护车|负压救护车", "A02030701", "辆", 300000, 800000, 23, 30, 0, 1, 4, Place::kGarage, V,
       "福特:全顺V362|依维柯:宝迪|江铃:特顺", "", 0, nullptr},
      {"医疗污水处理设备", "A02360100", "套", 100000, 600000, 1, 1, 0, 0, 1, Place::kOutdoor, G, "",
       "", 0, nullptr},
      {"院区用地", "A01030100", "平方米", 120, 500, 5000, 40000, 0, 0, 1, Place::kOutdoor, L, "",
       "", 0, nullptr},
  };
  return k;
}

// What a township health centre has besides the first 22 of HospitalKit.
const std::vector<Template>& HealthCentreExtras() {
  static const std::vector<Template> k = {
      {"救护车", "A02030701", "辆", 250000, 500000, 23, 30, 0, 0, 1, Place::kGarage, V,
       "福特:全顺V362|江铃:特顺", "", 0, nullptr},
      {"院区用地", "A01030100", "平方米", 80, 300, 2000, 10000, 0, 0, 1, Place::kOutdoor, L, "", "",
       0, nullptr},
  };
  return k;
}

const std::vector<Template>& VillageClinicKit() {
  static const std::vector<Template> k = {
      {"诊查床|诊疗床", "A02329900", "张", 500, 2000, 1, 1, 6, 0, 0, Place::kClinical, G, "", "", 0,
       nullptr},
      {"心电图机|单道心电图机", "A02320201", "台", 5000, 20000, 1, 1, 2, 0, 0, Place::kClinical, G,
       "光电:ECG-1250|理邦:SE-301", "", 0, nullptr},
      {"健康一体机|健康体检一体机", "A02320299", "台", 8000, 30000, 1, 1, 3, 0, 0, Place::kClinical,
       G, "康泰:PC-300|乐普:HK-1000", "", 0, nullptr},
      {"电子血压计|血压计", "A02320299", "台", 300, 2000, 1, 2, 4, 0, 0, Place::kClinical, G,
       "欧姆龙:HBP-9021|鱼跃", "", 0, nullptr},
      {"药品柜|西药柜|中药柜", "A05010599", "组", 800, 3500, 1, 1, 4, 0, 0, Place::kClinical, G, "",
       "", 0, nullptr},
      {"观察床|输液椅", "A05010103", "张", 300, 1200, 1, 4, 3, 0, 0, Place::kClinical, G, "", "", 0,
       nullptr},
      {"医用冷藏箱", "A02061801", "台", 2000, 8000, 1, 1, 1, 0, 0, Place::kClinical, G,
       "海尔生物:HYC-68", "", 0, nullptr},
  };
  return k;
}

const std::vector<Template>& ElderlyCareKit() {
  static const std::vector<Template> k = {
      {"多功能护理床|电动护理床", "A02320800", "张", 2500, 12000, 1, 10, 12, 0, 0, Place::kBeds, G,
       "八乐梦:A5|康宁:KN-A6|迈德斯特:MD-D1", "", 0, nullptr},
      {"床|木制单人床", "A05010104", "张", 500, 1500, 5, 20, 10, 0, 0, Place::kBeds, G, "", "", 0,
       nullptr},
      {"轮椅|手动轮椅|电动轮椅", "A02329900", "台", 500, 6000, 1, 10, 8, 0, 0, Place::kBeds, G,
       "鱼跃:H062|互邦:HBLD2", "", 0, nullptr},
      {"助行器|康复训练器|上下肢康复训练器", "A02460302", "台", 800, 15000, 1, 2, 4, 0, 0,
       Place::kSport, G, "舒华|英派斯|鱼跃", "", 0, nullptr},
      {"床头柜", "A05010599", "个", 200, 600, 5, 20, 6, 0, 0, Place::kBeds, G, "", "", 0, nullptr},
      {"餐桌椅|餐桌", "A05010299", "套", 600, 2500, 1, 10, 4, 0, 0, Place::kKitchen, G, "", "", 0,
       nullptr},
      {"不锈钢厨具|燃气灶|蒸饭柜|炒菜锅", "A05030000", "台", 800, 15000, 1, 1, 5, 0, 0,
       Place::kKitchen, G, "", "", 0, nullptr},
      {"商用冰箱|冷柜", "A02061801", "台", 2500, 9000, 1, 1, 2, 0, 0, Place::kKitchen, G,
       "海尔|美的|星星", "", 0, nullptr},
      {"消毒柜", "A02061899", "台", 800, 4000, 1, 1, 2, 0, 0, Place::kKitchen, G, "康宝|美的", "",
       0, nullptr},
      {"洗衣机|工业洗衣机", "A02061806", "台", 2000, 30000, 1, 1, 2, 0, 0, Place::kKitchen, G,
       "海尔:XQG100|小天鹅", "", 0, nullptr},
      {"热水器|空气能热水器", "A02061808", "台", 1500, 25000, 1, 1, 2, 0, 0, Place::kAny, G,
       "美的|格力|海尔", "", 0, nullptr},
      {"紧急呼叫系统|呼叫对讲系统", "A02080200", "套", 5000, 40000, 1, 1, 1, 0, 0, Place::kOffice,
       G, "", "", 0, nullptr},
      {"小型客车|面包车", "A02030601", "辆", 60000, 150000, 12, 20, 0, 0, 1, Place::kGarage, V,
       "五菱:宏光|金杯:海狮", "", 0, nullptr},
  };
  return k;
}

const std::vector<Template>& WaterKit() {
  static const std::vector<Template> k = {
      {"离心泵|单级双吸离心泵|卧式离心泵", "A02051001", "台", 8000, 160000, 1, 1, 8, 0, 0,
       Place::kPlant, G, "格兰富:NBG,CR|南方泵业:CDM|凯泉:KQSN|连成:SLOW",
       "Q=200m³/h H=32m|Q=500m³/h H=45m|Q=100m³/h H=50m", 12, nullptr},
      {"深井泵", "A02051003", "台", 10000, 90000, 1, 1, 3, 0, 0, Place::kPlant, G,
       "格兰富:SP|南方泵业:SJ", "", 12, nullptr},
      {"潜水泵|潜污泵", "A02051002", "台", 3000, 40000, 1, 1, 4, 0, 0, Place::kPlant, G,
       "格兰富:SE|凯泉:WQ", "", 10, nullptr},
      {"闸阀|蝶阀|止回阀|减压阀", "A02051400", "台", 800, 30000, 1, 6, 10, 0, 0, Place::kPlant, G,
       "上海冠龙|良工|埃美柯|苏阀", "DN100|DN150|DN200|DN300|DN400|DN600", 10, nullptr},
      {"电磁流量计", "A02100103", "台", 5000, 30000, 1, 1, 5, 0, 0, Place::kPlant, G,
       "E+H:Promag 10W|西门子:MAG 5100W|上海光华:LDG", "DN200|DN300|DN500", 0, nullptr},
      {"超声波流量计", "A02100103", "台", 6000, 40000, 1, 1, 2, 0, 0, Place::kPlant, G,
       "汇中:SCL-61D|E+H:Prosonic", "", 0, nullptr},
      {"压力变送器|压力表", "A02100102", "台", 500, 6000, 1, 4, 4, 0, 0, Place::kPlant, G,
       "罗斯蒙特:3051|川仪", "", 0, nullptr},
      {"液位计|超声波液位计", "A02100104", "台", 2000, 15000, 1, 1, 3, 0, 0, Place::kPlant, G,
       "E+H:FMU|西门子:LUT400", "", 0, nullptr},
      {"大口径水表|智能水表", "A02100105", "块", 300, 3000, 1, 50, 6, 0, 0, Place::kPlant, G,
       "宁波水表|三川智慧", "DN50|DN80|DN100|DN150", 0, nullptr},
      {"水质在线监测仪|余氯分析仪|浊度仪", "A02100400", "台", 15000, 150000, 1, 1, 3, 0, 0,
       Place::kLab, G, "哈希:CL17,TU5300|岛津:TOC-4200", "", 0, nullptr},
      {"二氧化氯发生器|次氯酸钠发生器|紫外线消毒设备", "A02360300", "台", 20000, 120000, 1, 1, 2, 0,
       0, Place::kPlant, G, "", "", 0, nullptr},
      {"变频控制柜|配电柜|低压开关柜", "A02060400", "面", 8000, 60000, 1, 1, 4, 0, 0, Place::kPlant,
       G, "施耐德|ABB|正泰", "", 0, nullptr},
      {"变压器|干式变压器", "A02060200", "台", 80000, 400000, 1, 1, 1, 0, 0, Place::kPlant, G,
       "特变电工|正泰", "", 0, nullptr},
      {"柴油发电机组", "A02060300", "台", 60000, 300000, 1, 1, 1, 0, 0, Place::kPlant, G,
       "康明斯|玉柴", "", 0, nullptr},
      {"电动葫芦|起重设备", "A02050800", "台", 8000, 60000, 1, 1, 1, 0, 0, Place::kPlant, G, "", "",
       0, nullptr},
      {"水质化验仪器|分光光度计", "A02100400", "台", 5000, 60000, 1, 1, 3, 0, 0, Place::kLab, G,
       "哈希:DR3900|岛津:UV-1780", "", 0, nullptr},
      {"管网检漏仪|听漏仪", "A02109900", "台", 5000, 60000, 1, 1, 1, 0, 0, Place::kOffice, G, "",
       "", 0, nullptr},
      {"供水管网|配水管网|输水管道", "A01021700", "米", 150, 600, 800, 12000, 0, 1, 4,
       Place::kOutdoor, G, "", "DN300|DN400|DN600|DN200", 30, "1801"},
      {"清水池", "A01020100", "座", 300000, 2000000, 1, 1, 0, 1, 2, Place::kOutdoor, G, "", "", 30,
       "1801"},
      {"水塔|高位水池", "A01020300", "座", 150000, 800000, 1, 1, 0, 0, 1, Place::kOutdoor, G, "",
       "", 30, "1801"},
      {"取水井|深水井", "A01020500", "眼", 80000, 400000, 1, 1, 0, 1, 3, Place::kOutdoor, G, "", "",
       20, "1801"},
      {"工程抢修车", "A02030706", "辆", 150000, 350000, 25, 30, 0, 0, 1, Place::kGarage, V,
       "江铃:顺达|依维柯:得意", "", 0, nullptr},
      {"厂区用地", "A01030200", "平方米", 80, 300, 3000, 20000, 0, 0, 1, Place::kOutdoor, L, "", "",
       0, nullptr},
  };
  return k;
}

const std::vector<Template>& IrrigationKit() {
  static const std::vector<Template> k = {
      {"闸门|弧形闸门|平板闸门", "A02380100", "套", 30000, 400000, 1, 1, 6, 0, 0, Place::kPlant, G,
       "", "", 15, nullptr},
      {"启闭机|螺杆启闭机|卷扬式启闭机", "A02380100", "台", 10000, 120000, 1, 1, 6, 0, 0,
       Place::kPlant, G, "", "", 15, nullptr},
      {"水位计|雷达水位计", "A02430200", "台", 5000, 30000, 1, 1, 4, 0, 0, Place::kPlant, G, "", "",
       0, nullptr},
      {"明渠流量计|量水堰计", "A02100103", "台", 6000, 40000, 1, 1, 3, 0, 0, Place::kPlant, G, "",
       "", 0, nullptr},
      {"离心泵|混流泵|轴流泵", "A02051001", "台", 20000, 200000, 1, 1, 4, 0, 0, Place::kPlant, G,
       "凯泉:KQSN|上海东方泵业", "", 12, nullptr},
      {"配电柜", "A02060400", "面", 8000, 40000, 1, 1, 2, 0, 0, Place::kPlant, G, "正泰|施耐德", "",
       0, nullptr},
      {"干渠|支渠|斗渠", "A01021100", "米", 80, 400, 1000, 20000, 0, 1, 4, Place::kOutdoor, G, "",
       "", 30, "1801"},
      {"拦河坝|节制闸坝", "A01021600", "座", 500000, 5000000, 1, 1, 0, 0, 1, Place::kOutdoor, G, "",
       "", 50, "1801"},
      {"提灌站|泵站", "A01020800", "座", 200000, 1500000, 1, 1, 0, 1, 2, Place::kOutdoor, G, "", "",
       30, "1801"},
  };
  return k;
}

const std::vector<Template>& HousingKit() {
  static const std::vector<Template> k = {
      {"路灯|LED路灯|太阳能路灯", "A02061900", "盏", 1500, 6000, 10, 200, 6, 0, 0, Place::kOutdoor,
       G, "", "", 0, nullptr},
      {"电梯|住宅电梯", "A02050900", "台", 180000, 450000, 1, 1, 3, 0, 0, Place::kOutdoor, G,
       "奥的斯:GeN2|日立:HGP|三菱:ELENESSA", "", 15, nullptr},
      {"挖掘机|小型挖掘机", "A02210000", "台", 200000, 600000, 1, 1, 1, 0, 0, Place::kGarage, G,
       "三一:SY75C|徐工:XE60", "", 12, nullptr},
      {"路面切割机|压路机|沥青摊铺设备", "A02210000", "台", 10000, 300000, 1, 1, 2, 0, 0,
       Place::kPlant, G, "徐工|三一", "", 12, nullptr},
      {"维修工具|电焊机|发电机", "A02059900", "台", 1000, 20000, 1, 1, 4, 0, 0, Place::kPlant, G,
       "", "", 0, nullptr},
      {"城市道路|小区道路", "A01021000", "米", 800, 3000, 300, 3000, 0, 1, 4, Place::kOutdoor, G,
       "", "", 30, "1801"},
      {"人行天桥|桥梁", "A01021400", "座", 800000, 6000000, 1, 1, 0, 0, 2, Place::kOutdoor, G, "",
       "", 50, "1801"},
      {"洒水车", "A02030704", "辆", 150000, 350000, 40, 60, 0, 0, 1, Place::kGarage, V,
       "东风:多利卡|程力", "", 0, nullptr},
      {"垃圾车|压缩式垃圾车", "A02030705", "辆", 150000, 450000, 40, 60, 0, 1, 2, Place::kGarage, V,
       "东风:多利卡|福田:欧马可", "", 0, nullptr},
      {"工程抢修车|高空作业车", "A02030706", "辆", 150000, 400000, 25, 40, 0, 0, 1, Place::kGarage,
       V, "江铃:顺达|五十铃:KV100", "", 0, nullptr},
  };
  return k;
}

const std::vector<Template>& CultureKit() {
  static const std::vector<Template> k = {
      {"太空漫步机|双人坐推训练器|腰背按摩器|扭腰器|单杠|双杠|健骑机", "A02460301", "件", 800, 5000,
       1, 1, 14, 0, 0, Place::kOutdoor, G, "舒华|好家庭|泰山体育", "", 0, nullptr},
      {"乒乓球台|室外乒乓球台", "A02460200", "张", 1500, 4000, 1, 1, 3, 0, 0, Place::kOutdoor, G,
       "红双喜|双鱼", "", 0, nullptr},
      {"篮球架", "A02460200", "副", 3000, 12000, 1, 1, 2, 0, 0, Place::kOutdoor, G,
       "泰山体育|金陵体育", "", 0, nullptr},
      {"舞台灯光|舞台灯光系统|追光灯", "A02450300", "套", 5000, 80000, 1, 1, 3, 0, 0, Place::kStage,
       G, "", "", 0, nullptr},
      {"LED显示屏|全彩LED显示屏", "A02091104", "块", 10000, 150000, 1, 1, 2, 0, 0, Place::kStage, G,
       "洲明|利亚德", "", 0, nullptr},
      {"音响设备|扩声系统|调音台", "A02091200", "套", 2000, 60000, 1, 1, 4, 0, 0, Place::kStage, G,
       "雅马哈:MG16XU|JBL:JRX215|百威", "", 0, nullptr},
      {"锣鼓|腰鼓|民族乐器", "A02450100", "套", 500, 8000, 1, 1, 3, 0, 0, Place::kStage, G, "", "",
       0, nullptr},
      {"演出服装", "A02450200", "套", 150, 800, 10, 40, 2, 0, 0, Place::kStage, G, "", "", 0,
       nullptr},
      {"图书|农家书屋图书|少儿图书", "A04010100", "册", 15, 60, 100, 2000, 6, 0, 0, Place::kLibrary,
       G, "", "", 0, nullptr},
      {"书架|图书架", "A05010600", "组", 600, 1800, 1, 1, 3, 0, 0, Place::kLibrary, G, "", "", 0,
       nullptr},
      {"电子阅报屏", "A02091104", "台", 8000, 25000, 1, 1, 1, 0, 0, Place::kLibrary, G, "", "", 0,
       nullptr},
      {"文化广场|健身广场", "A01021900", "平方米", 150, 400, 800, 6000, 0, 0, 1, Place::kOutdoor, G,
       "", "", 0, nullptr},
  };
  return k;
}

const std::vector<Template>& SportsKit() {
  static const std::vector<Template> k = {
      {"跑步机|商用跑步机", "A02460302", "台", 8000, 40000, 1, 1, 6, 0, 0, Place::kSport, G,
       "必确:T5|乔山:T7x|舒华:SH-T5517", "", 0, nullptr},
      {"椭圆机|动感单车|综合力量训练器", "A02460302", "台", 3000, 30000, 1, 1, 6, 0, 0,
       Place::kSport, G, "必确|乔山|英派斯", "", 0, nullptr},
      {"羽毛球网柱|排球网柱|跨栏架", "A02460100", "副", 800, 6000, 1, 4, 3, 0, 0, Place::kSport, G,
       "泰山体育", "", 0, nullptr},
      {"篮球架|液压篮球架", "A02460200", "副", 5000, 60000, 1, 1, 2, 0, 0, Place::kSport, G,
       "泰山体育|金陵体育", "", 0, nullptr},
      {"体操垫|跳马|平衡木", "A02460400", "件", 500, 20000, 1, 4, 2, 0, 0, Place::kSport, G, "", "",
       0, nullptr},
      {"计时记分系统|电子记分牌", "A02469900", "套", 5000, 80000, 1, 1, 1, 0, 0, Place::kSport, G,
       "", "", 0, nullptr},
      {"室外健身器材|太空漫步机|健骑机", "A02460301", "件", 800, 5000, 1, 1, 6, 0, 0,
       Place::kOutdoor, G, "舒华|好家庭", "", 0, nullptr},
      {"看台座椅", "A05010399", "把", 80, 300, 50, 500, 1, 0, 0, Place::kSport, G, "", "", 0,
       nullptr},
      {"体育场|标准田径场", "A01021900", "平方米", 200, 500, 8000, 25000, 0, 0, 1, Place::kOutdoor,
       G, "", "", 0, nullptr},
  };
  return k;
}

const std::vector<Template>& LibraryKit() {
  static const std::vector<Template> k = {
      {"图书|图书（社会科学）|图书（自然科学）|图书（文学）|图书（少儿读物）|图书（地方文献）",
       "A04010100", "册", 18, 90, 200, 5000, 40, 0, 0, Place::kLibrary, G, "", "", 0, nullptr},
      {"古籍善本|线装古籍", "A04010200", "册", 500, 20000, 1, 20, 1, 0, 0, Place::kLibrary, G, "",
       "", 0, nullptr},
      {"书架|双面书架|期刊架", "A05010600", "组", 600, 2500, 1, 1, 8, 0, 0, Place::kLibrary, G, "",
       "", 0, nullptr},
      {"阅览桌|阅览椅", "A05010299", "张", 300, 1600, 1, 10, 4, 0, 0, Place::kLibrary, G, "", "", 0,
       nullptr},
      {"自助借还机|RFID自助借还机", "A02019900", "台", 30000, 80000, 1, 1, 1, 0, 0, Place::kLibrary,
       G, "海恒|图创", "", 0, nullptr},
      {"图书消毒机|图书杀菌机", "A02040300", "台", 8000, 30000, 1, 1, 1, 0, 0, Place::kLibrary, G,
       "", "", 0, nullptr},
      {"档案密集架", "A02040200", "组", 8000, 40000, 1, 1, 2, 0, 0, Place::kLibrary, G, "", "", 0,
       nullptr},
      {"电子阅览计算机", "A02010105", "台", 3200, 6000, 1, 1, 5, 0, 0, Place::kLibrary, G,
       "联想:启天M437|同方", "", 0, nullptr},
      {"流动图书车", "A02039900", "辆", 150000, 350000, 25, 30, 0, 0, 1, Place::kGarage, V,
       "江铃:特顺|依维柯", "", 0, nullptr},
  };
  return k;
}

// ---- what each kind of owner is ------------------------------------------------------

enum class OwnerKind {
  kDepartment,
  kMiddleSchool,
  kPrimarySchool,
  kKindergarten,
  kHospital,
  kHealthCentre,
  kVillageClinic,
  kElderlyCare,
  kWelfareHome,
  kWaterWorks,
  kIrrigation,
  kHousing,
  kCultureStation,
  kSportsCentre,
  kLibrary,
};

struct KitUse {
  const std::vector<Template>* kit;
  int percent;   // multiplies each template's weight
  int take = 0;  // 0: all templates of the kit, else the first `take`
};

struct KindSpec {
  double size;                           // relative number of cards
  std::vector<const char*> departments;  // the first holds buildings, land and vehicles
  std::vector<BuildingSpec> buildings;
  const char* outdoor;  // outdoor locations; the first is the grounds
  std::vector<KitUse> kits;
};

const KindSpec& Spec(OwnerKind kind) {
  static const std::map<OwnerKind, KindSpec> kSpecs = [] {
    std::map<OwnerKind, KindSpec> m;
    m[OwnerKind::kDepartment] = {
        5.0,
        {"办公室", "计划财务股", "人事股", "政策法规股", "业务一股", "业务二股", "信息中心",
         "机关后勤服务中心"},
        {{"办公楼", "A01010100", 1, 1, 4, 8, 3000, 9000, 2200, 3600, Place::kOffice, "", nullptr},
         {"档案库房", "A01010221", 0, 1, 1, 2, 300, 900, 1800, 2800, Place::kOffice,
          "档案室|库房|资料室", nullptr}},
        "机关大院|车库",
        {{&OfficeKit(), 100}, {&DepartmentKit(), 100}}};
    m[OwnerKind::kMiddleSchool] = {
        14.0,
        {"总务处", "校长办公室", "教务处", "政教处", "团委", "信息中心", "图书室", "实验室",
         "体育组", "初一年级组", "初二年级组", "初三年级组", "高一年级组", "高二年级组",
         "高三年级组", "食堂"},
        {{"教学楼", "A01010206", 2, 4, 4, 5, 3000, 7000, 1800, 3200, Place::kTeaching, "", nullptr},
         {"实验楼", "A01010206", 1, 1, 3, 4, 2000, 4500, 1800, 3200, Place::kLab,
          "物理实验室|化学实验室|生物实验室|计算机教室|通用技术教室|音乐教室|美术教室|仪器室|"
          "准备室|录播室",
          nullptr},
         {"行政楼", "A01010206", 1, 1, 3, 5, 1500, 3500, 1800, 3200, Place::kOffice,
          "校长室|副校长室|教务处|政教处|总务处|财务室|会议室|档案室|教师办公室|团委办公室|广播室|"
          "心理咨询室",
          nullptr},
         {"图书馆", "A01010206", 0, 1, 2, 3, 800, 2500, 1800, 3200, Place::kLibrary,
          "阅览室|书库|电子阅览室|借阅室", nullptr},
         {"食堂", "A01010206", 1, 1, 1, 2, 800, 2500, 1600, 2800, Place::kKitchen,
          "操作间|餐厅|库房|面点间|洗消间", nullptr},
         {"学生宿舍", "A01010300", 1, 3, 5, 6, 2500, 6000, 1600, 2800, Place::kBeds, "", nullptr},
         {"体育馆", "A01010213", 0, 1, 1, 2, 1500, 4000, 2500, 4000, Place::kSport,
          "器材室|篮球馆|乒乓球室|舞蹈室", nullptr}},
        "校园|操场|篮球场|门卫室|车库",
        {{&OfficeKit(), 60}, {&SchoolKit(), 100}, {&BoardingKit(), 100}}};
    m[OwnerKind::kPrimarySchool] = {
        4.5,
        {"总务处", "校长室", "教导处", "少先队大队部", "信息技术组", "图书室", "科学组", "体育组",
         "一年级组", "二年级组", "三年级组", "四年级组", "五年级组", "六年级组"},
        {{"教学楼", "A01010206", 1, 3, 3, 5, 1500, 5000, 1800, 3000, Place::kTeaching, "", nullptr},
         {"综合楼", "A01010206", 1, 1, 3, 4, 1000, 3000, 1800, 3000, Place::kLab,
          "科学实验室|计算机教室|音乐教室|美术教室|仪器室|图书室|录播室|校长室|教导处|总务处|"
          "会议室|教师办公室",
          nullptr},
         {"食堂", "A01010206", 0, 1, 1, 1, 300, 1200, 1600, 2800, Place::kKitchen,
          "操作间|餐厅|库房", nullptr}},
        "校园|操场|门卫室|车库",
        {{&OfficeKit(), 50}, {&SchoolKit(), 100}}};
    m[OwnerKind::kKindergarten] = {
        1.5,
        {"园务办公室", "保教处", "保健室", "大班组", "中班组", "小班组", "厨房"},
        {{"教学楼", "A01010206", 1, 2, 2, 3, 800, 3000, 1800, 3000, Place::kTeaching,
          "大一班|大二班|中一班|中二班|小一班|小二班|午睡室|音乐室|美工室|园长室|保健室|会议室",
          nullptr},
         {"厨房", "A01010206", 0, 1, 1, 1, 150, 500, 1600, 2600, Place::kKitchen, "操作间|库房",
          nullptr}},
        "园区|户外活动场|车库",
        {{&OfficeKit(), 50}, {&KindergartenKit(), 100}}};
    m[OwnerKind::kHospital] = {
        30.0,
        {"后勤保障科", "院办公室", "医务科", "护理部",    "设备科", "信息科",
         "内科",       "外科",     "妇产科", "儿科",      "急诊科", "骨科",
         "眼耳鼻喉科", "口腔科",   "中医科", "康复科",    "放射科", "超声科",
         "检验科",     "药剂科",   "手术室", "重症医学科"},
        {{"门诊楼", "A01010207", 1, 1, 4, 6, 6000, 15000, 2800, 4200, Place::kClinical,
          "内科诊室|外科诊室|儿科诊室|妇科诊室|口腔科诊室|中医科诊室|急诊室|输液室|挂号收费处|药房|"
          "护士站|康复治疗室",
          nullptr},
         {"住院楼", "A01010207", 1, 2, 6, 12, 8000, 20000, 2800, 4200, Place::kBeds, "", nullptr},
         {"医技楼", "A01010207", 1, 1, 3, 5, 4000, 10000, 3000, 4500, Place::kClinical,
          "放射科|CT室|DR室|B超室|心电图室|检验科|胃镜室|手术室|消毒供应中心|血库|重症监护室",
          nullptr},
         {"行政楼", "A01010207", 0, 1, 3, 5, 1500, 4000, 2500, 3800, Place::kOffice,
          "院长室|院办公室|医务科|护理部|设备科|信息科|财务科|会议室|档案室", nullptr},
         {"后勤楼", "A01010207", 0, 1, 1, 3, 800, 3000, 2200, 3200, Place::kKitchen,
          "营养食堂|洗衣房|配电房|库房|锅炉房", nullptr}},
        "院区|车库|污水处理站",
        {{&OfficeKit(), 70}, {&HospitalKit(), 100}}};
    m[OwnerKind::kHealthCentre] = {
        6.0,
        {"办公室", "全科诊室", "中医科", "口腔科", "公共卫生科", "妇幼保健室", "药房", "检验科",
         "放射科", "B超室", "住院部", "护理站"},
        {{"综合楼", "A01010207", 1, 2, 2, 4, 1500, 5000, 2500, 3800, Place::kClinical,
          "全科诊室|中医诊室|口腔诊室|预防接种室|妇幼保健室|药房|检验室|放射室|B超室|心电图室|"
          "治疗室|院长室|办公室|"
          "财务室",
          nullptr},
         {"住院楼", "A01010207", 0, 1, 2, 3, 1000, 3000, 2500, 3800, Place::kBeds, "", nullptr}},
        "院区|车库",
        {{&OfficeKit(), 60}, {&HospitalKit(), 100, 22}, {&HealthCentreExtras(), 100}}};
    m[OwnerKind::kVillageClinic] = {
        0.6,
        {"诊室", "药房", "公共卫生室"},
        {{"卫生室业务用房", "A01010207", 1, 1, 1, 1, 80, 240, 1500, 2500, Place::kClinical,
          "诊室|治疗室|药房|观察室|公共卫生室", nullptr}},
        "院内",
        {{&OfficeKit(), 25}, {&VillageClinicKit(), 100}}};
    m[OwnerKind::kElderlyCare] = {
        2.0,
        {"院办公室", "护理部", "医务室", "康复室", "膳食科", "后勤保障部", "社工部"},
        {{"住养楼", "A01010230", 1, 2, 2, 4, 1500, 5000, 2000, 3200, Place::kBeds, "", nullptr},
         {"综合楼", "A01010230", 1, 1, 2, 3, 600, 2000, 2000, 3200, Place::kOffice,
          "院长室|办公室|医务室|康复室|活动室|阅览室|棋牌室|会议室", nullptr},
         {"食堂", "A01010230", 0, 1, 1, 1, 200, 800, 1800, 2800, Place::kKitchen,
          "厨房|餐厅|库房|洗衣房", nullptr}},
        "院区|车库",
        {{&OfficeKit(), 40}, {&ElderlyCareKit(), 100}}};
    m[OwnerKind::kWelfareHome] = {
        2.5,
        {"办公室", "养育部", "康复部", "医务室", "特教部", "后勤部"},
        {{"儿童楼", "A01010230", 1, 1, 3, 3, 1500, 4000, 2200, 3400, Place::kBeds, "", nullptr},
         {"综合楼", "A01010230", 1, 1, 2, 3, 800, 2500, 2200, 3400, Place::kOffice,
          "康复训练室|特教教室|医务室|办公室|活动室|会议室", nullptr},
         {"食堂", "A01010230", 0, 1, 1, 1, 200, 600, 1800, 2800, Place::kKitchen, "厨房|餐厅|库房",
          nullptr}},
        "院区|车库",
        {{&OfficeKit(), 40}, {&ElderlyCareKit(), 100}, {&KindergartenKit(), 30}}};
    m[OwnerKind::kWaterWorks] = {
        3.5,
        {"综合办公室", "制水车间", "泵房班组", "水质化验室", "管网管理所", "营业所", "维修队",
         "调度中心"},
        {{"综合楼", "A01010227", 1, 1, 2, 4, 800, 3000, 2000, 3200, Place::kOffice,
          "调度中心|化验室|办公室|会议室|营业厅|档案室|财务室", nullptr},
         {"泵房", "A01010227", 1, 3, 1, 1, 100, 600, 2000, 3500, Place::kPlant,
          "一级泵房|二级泵房|加压泵房|配电间|加药间|消毒间", nullptr},
         {"净水车间", "A01010227", 0, 1, 1, 2, 500, 2000, 2000, 3200, Place::kPlant,
          "絮凝沉淀池|滤池|加药间|控制室", nullptr}},
        "厂区|清水池区|取水口|车库",
        {{&OfficeKit(), 40}, {&WaterKit(), 100}}};
    m[OwnerKind::kIrrigation] = {3.0,
                                 {"办公室", "工程管理股", "闸站管理组", "灌溉调度室", "水费征收股"},
                                 {{"管理房", "A01010227", 1, 2, 1, 2, 200, 800, 1800, 2800,
                                   Place::kOffice, "办公室|调度室|值班室|仓库", nullptr},
                                  {"闸站", "A01010227", 1, 3, 1, 1, 60, 300, 2000, 3200,
                                   Place::kPlant, "启闭机房|配电间|值班室", nullptr}},
                                 "渠首|干渠沿线|车库",
                                 {{&OfficeKit(), 40}, {&IrrigationKit(), 100}}};
    m[OwnerKind::kHousing] = {
        4.0,
        {"办公室", "房源管理科", "物业管理科", "市政养护队", "路灯管理所", "工程技术科"},
        {{"办公楼", "A01010100", 1, 1, 3, 5, 1500, 4000, 2200, 3400, Place::kOffice, "", nullptr},
         {"维修车间", "A01010215", 0, 1, 1, 1, 300, 1200, 1500, 2500, Place::kPlant,
          "工具间|材料库|维修间", nullptr},
         {"公共租赁住房", "A01010300", 2, 6, 6, 11, 4000, 12000, 2200, 3400, Place::kAny, "-",
          "1821"}},
        "材料堆场|城区道路|车库",
        {{&OfficeKit(), 50}, {&HousingKit(), 100}}};
    m[OwnerKind::kCultureStation] = {
        1.5,
        {"办公室", "文艺活动部", "图书阅览室", "体育健身部", "非遗保护组"},
        {{"综合文化站", "A01010209", 1, 1, 2, 3, 500, 2000, 2000, 3200, Place::kStage,
          "多功能厅|图书阅览室|排练室|书画室|电子阅览室|棋牌室|办公室|器材室", nullptr}},
        "文化广场|健身广场",
        {{&OfficeKit(), 40}, {&CultureKit(), 100}}};
    m[OwnerKind::kSportsCentre] = {
        5.0,
        {"办公室", "场馆运营部", "训练部", "群体活动部", "器材管理组"},
        {{"体育馆", "A01010213", 1, 2, 1, 3, 3000, 12000, 2800, 4500, Place::kSport,
          "篮球馆|羽毛球馆|乒乓球馆|健身房|游泳馆|器材室|办公室|会议室", nullptr}},
        "体育场|健身广场|车库",
        {{&OfficeKit(), 40}, {&SportsKit(), 100}, {&CultureKit(), 30}}};
    m[OwnerKind::kLibrary] = {
        5.0,
        {"办公室", "采编部", "借阅部", "少儿部", "参考咨询部", "技术部", "地方文献部"},
        {{"图书馆", "A01010209", 1, 1, 3, 5, 3000, 10000, 2500, 4000, Place::kLibrary,
          "综合阅览室|少儿阅览室|电子阅览室|报刊阅览室|书库|地方文献室|古籍书库|自习室|办公室|"
          "采编室",
          nullptr}},
        "馆前广场|车库",
        {{&OfficeKit(), 40}, {&LibraryKit(), 100}}};
    return m;
  }();
  return kSpecs.at(kind);
}

OwnerKind KindOf(const AssetOwner& o) {
  const std::string_view code = o.code;
  if (code.starts_with("SF-")) return OwnerKind::kDepartment;
  if (code.starts_with("JY-ZX-")) return OwnerKind::kMiddleSchool;
  if (code.starts_with("JY-XX-")) return OwnerKind::kPrimarySchool;
  if (code.starts_with("JY-YEY-")) return OwnerKind::kKindergarten;
  if (code.starts_with("WJ-YY-")) return OwnerKind::kHospital;
  if (code.starts_with("WJ-WSY-")) return OwnerKind::kHealthCentre;
  if (code.starts_with("WJ-WSS-")) return OwnerKind::kVillageClinic;
  if (code.starts_with("MZ-YLY-")) return OwnerKind::kElderlyCare;
  if (code.starts_with("MZ-FLY-")) return OwnerKind::kWelfareHome;
  if (code.starts_with("SL-SC-")) return OwnerKind::kWaterWorks;
  if (code.starts_with("SL-GQ-")) return OwnerKind::kIrrigation;
  if (code.starts_with("ZJ-")) return OwnerKind::kHousing;
  if (code.starts_with("WT-WHZ-")) return OwnerKind::kCultureStation;
  if (code.starts_with("WT-TYZX-")) {
    return o.name.find("图书馆") != std::string::npos ? OwnerKind::kLibrary
                                                      : OwnerKind::kSportsCentre;
  }
  return OwnerKind::kDepartment;
}

// ---------------------------------------------------------------------------
// One owner's directories, as generated (ids filled after ResolveOrCreate).

struct GenLocation {
  std::string name;
  Place place;
  int64_t id = 0;
};

struct GenStaff {
  std::string name;
  size_t department;  // index into departments
  int64_t id = 0;
};

struct Directory {
  std::vector<std::string> departments;
  std::vector<int64_t> department_ids;
  std::vector<GenStaff> staff;
  std::vector<std::vector<size_t>> staff_of;  // per department: indexes into staff
  std::vector<GenLocation> locations;
  std::map<Place, std::vector<size_t>> by_place;
  std::vector<size_t> rooms;  // every location that is a room (kAny picks from these)
  std::string clerk;          // the asset clerk who records the history (actor name)
};

struct GenBuilding {
  const BuildingSpec* spec;
  std::string name;
  size_t location;  // its building-level location
  int floors;
};

// Locations: each building as a whole, its rooms, the outdoor places and the
// garage. `wanted` rooms in all, spread over the buildings' floors.
void MakeLocations(Rng& rng, const KindSpec& spec, int64_t wanted, Directory& dir,
                   std::vector<GenBuilding>& out) {
  auto add = [&](std::string name, Place place) {
    dir.locations.push_back({std::move(name), place, 0});
    return dir.locations.size() - 1;
  };
  int total_floors = 0;
  for (const auto& b : spec.buildings) {
    const auto n = rng.Between(b.count_lo, b.count_hi);
    for (int64_t i = 0; i < n; ++i) {
      const std::string name = n > 1 ? std::to_string(i + 1) + "号" + b.name : std::string(b.name);
      const int floors = static_cast<int>(rng.Between(b.floors_lo, b.floors_hi));
      out.push_back({&b, name, add(name, Place::kSite), floors});
      if (std::string_view(b.named_rooms) != "-") total_floors += floors;
    }
  }
  const int64_t per_floor = std::clamp<int64_t>(wanted / std::max(1, total_floors), 2, 40);
  for (const auto& gb : out) {
    const std::string_view named = gb.spec->named_rooms;
    if (named == "-") continue;  // residential blocks: no rooms of ours
    const auto names = Split(named, '|');
    size_t next_name = 0;
    for (int f = 1; f <= gb.floors; ++f) {
      for (int64_t r = 1; r <= per_floor; ++r) {
        std::string room;
        if (!names.empty()) {
          // Named rooms in order over the floors; a second round gets a number.
          const size_t round = next_name / names.size();
          room = std::string(names[next_name % names.size()]) +
                 (round > 0 ? std::to_string(round + 1) : "");
          ++next_name;
        } else {
          room = std::to_string(f * 100 + r);
        }
        const size_t at = add(gb.name + "/" + std::to_string(f) + "层/" + room, gb.spec->rooms);
        dir.rooms.push_back(at);
      }
    }
  }
  const auto outdoor = Split(spec.outdoor, '|');
  for (const auto& o : outdoor) add(std::string(o), o == "车库" ? Place::kGarage : Place::kOutdoor);
  for (size_t i = 0; i < dir.locations.size(); ++i)
    dir.by_place[dir.locations[i].place].push_back(i);
}

size_t PickLocation(Rng& rng, const Directory& dir, Place place) {
  if (place != Place::kAny) {
    auto it = dir.by_place.find(place);
    if (it != dir.by_place.end() && !it->second.empty()) return rng.Pick(it->second);
    if (place == Place::kGarage || place == Place::kOutdoor) {
      auto grounds = dir.by_place.find(Place::kOutdoor);
      if (grounds != dir.by_place.end()) return grounds->second.front();
    }
  }
  if (!dir.rooms.empty()) return rng.Pick(dir.rooms);
  return 0;
}

// ---------------------------------------------------------------------------
// Cards and their history, planned before anything is written.

struct PlannedEvent {
  Event event;
  State before;
  State after;
  UtcTime at;
  std::string before_json;
  std::string after_json;
  std::string note;
};

struct PlannedCard {
  CardInput input;  // at registration
  // After the history.
  std::optional<size_t> department;  // indexes into the directory
  std::optional<size_t> custodian;
  std::optional<size_t> manager;
  size_t location = 0;
  State state = State::kInUse;
  std::vector<PlannedEvent> events;
};

constexpr int64_t kMicrosPerDay = 86'400'000'000;
constexpr int64_t kWorkdayStart = 1'800'000'000;  // 08:30 Shanghai = 00:30 UTC, in µs
constexpr int64_t kWorkdaySeconds = 32'400;       // to 17:30

// A working-hours instant of a day (Shanghai), in UTC.
UtcTime AtWork(Rng& rng, int32_t day) {
  return {day * kMicrosPerDay + kWorkdayStart + rng.Between(0, kWorkdaySeconds - 1) * 1'000'000};
}

std::string Plate(Rng& rng) {
  static constexpr char kChars[] = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
  std::string p = "示A";
  for (int i = 0; i < 5; ++i) p.push_back(kChars[rng.Index(sizeof kChars - 1)]);
  return p;
}

std::string Vin(Rng& rng) {
  static constexpr char kChars[] = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";  // ISO 3779: no I, O, Q
  std::string v = "LS";
  while (v.size() < 17) v.push_back(kChars[rng.Index(sizeof kChars - 1)]);
  return v;
}

std::string Alnum(Rng& rng, const char* prefix, int n) {
  static constexpr char kChars[] = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
  std::string s = prefix;
  for (int i = 0; i < n; ++i) s.push_back(kChars[rng.Index(sizeof kChars - 1)]);
  return s;
}

std::string Digits(Rng& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + rng.Index(10)));
  return s;
}

// Life in months: at least the category's minimum (and the template's), at
// most its maximum.
int LifeMonths(Rng& rng, const asset::Category& cat, int template_years) {
  if (!cat.depreciable) return 0;
  int months = std::max(cat.min_life_months, template_years * 12);
  if (cat.max_life_months) {
    months = std::min(months, *cat.max_life_months);
    const int spare_years = (*cat.max_life_months - months) / 12;
    if (spare_years > 0 && rng.Chance(0.3))
      months += 12 * static_cast<int>(rng.Between(1, spare_years));
  } else if (rng.Chance(0.2)) {
    months += 12 * static_cast<int>(rng.Between(1, 3));
  }
  return months;
}

std::string AcquisitionMethod(Rng& rng, bool immovable, bool land) {
  const double r = rng.Unit();
  if (land) return r < 0.6 ? "调剂/调拨" : r < 0.9 ? "购置" : "其他";
  if (immovable) return r < 0.7 ? "建设" : r < 0.85 ? "调剂/调拨" : r < 0.95 ? "购置" : "捐赠";
  if (r < 0.86) return "购置";
  if (r < 0.91) return "调剂/调拨";
  if (r < 0.95) return "捐赠";
  if (r < 0.96) return "置换";
  if (r < 0.97) return "租用";
  return "其他";
}

// Categories by code, read once (the shipped table: every template's code is
// a leaf of it).
class Categories {
 public:
  explicit Categories(asset::CategoryService& service) : service_(service) {}
  Result<const asset::Category*> Get(const std::string& code) {
    auto it = cache_.find(code);
    if (it == cache_.end()) {
      auto c = service_.Get(code);
      if (!c.ok()) return InternalError("demo: category " + code + " is not in the category table");
      it = cache_.emplace(code, std::move(c).value()).first;
    }
    return &it->second;
  }

 private:
  asset::CategoryService& service_;
  std::unordered_map<std::string, asset::Category> cache_;
};

std::string StateJson(State s) {
  return json::serialize(
      json::object{{"state", asset::StateName(s)}, {"state_zh", asset::StateNameZh(s)}});
}

// Pretty names for event notes.
constexpr const char* kAssignNotes[] = {"人员调整，办理交接", "岗位调整交接", "新进人员领用",
                                        "原使用人退休移交", "科室调整交接"};
constexpr const char* kRelocateNotes[] = {"办公室调整", "科室搬迁", "教室调整", "设备调配",
                                          "按需调整存放地点"};
constexpr const char* kRepairNotes[] = {"故障报修：无法开机", "故障报修：运行噪音异常",
                                        "故障报修：显示异常", "故障报修：部件损坏",
                                        "故障报修：漏水",     "定期检修"};
constexpr const char* kLessees[] = {"示范县众兴商贸有限公司", "示范县惠民物业服务有限公司",
                                    "示范县城关镇个体经营户", "示范县青山农业合作社",
                                    "示范县新安文化传媒有限公司"};

// One owner: its directories and its cards, generated in a fixed order from
// its own generator.
class OwnerGenerator {
 public:
  OwnerGenerator(const AssetOwner& owner, int64_t count, uint64_t seed, Categories& categories)
      : spec_(Spec(KindOf(owner))), count_(count), categories_(categories), rng_(seed) {}

  int64_t count() const { return count_; }
  const Directory& directory() const { return dir_; }

  // The unit's departments, staff and locations (names; ids come later).
  void PlanDirectory() {
    const auto& all = spec_.departments;
    const size_t n_depts = std::clamp<size_t>(static_cast<size_t>(count_ / 4),
                                              std::min<size_t>(3, all.size()), all.size());
    for (size_t i = 0; i < n_depts; ++i) dir_.departments.emplace_back(all[i]);
    dir_.staff_of.resize(n_depts);
    const auto n_staff = static_cast<size_t>(
        std::clamp<int64_t>(count_ / 25, static_cast<int64_t>(n_depts) + 1, 600));
    std::unordered_set<std::string> seen;
    while (dir_.staff.size() < n_staff) {
      std::string name = PersonName(rng_);
      if (!seen.insert(name).second) continue;
      const size_t dept = dir_.staff.size() % n_depts;
      dir_.staff_of[dept].push_back(dir_.staff.size());
      dir_.staff.push_back({std::move(name), dept, 0});
    }
    dir_.clerk = dir_.staff.front().name;
    MakeLocations(rng_, spec_, std::clamp<int64_t>(count_ / 12, 4, 1500), dir_, buildings_);
    PlanFixedItems();
  }

  asset::DirectoryNames Names() const {
    asset::DirectoryNames n;
    n.departments = dir_.departments;
    for (const auto& s : dir_.staff) n.staff.push_back(s.name);
    for (const auto& l : dir_.locations) n.locations.push_back(l.name);
    return n;
  }

  Result<void> SetIds(const asset::ResolvedDirectory& r) {
    auto find = [&](const auto& list, const std::string& name) -> Result<int64_t> {
      auto id = asset::ResolvedDirectory::Find(list, name);
      if (!id) return InternalError("demo: directory entry " + name + " was not created");
      return *id;
    };
    for (const auto& d : dir_.departments) {
      MS_ASSIGN_OR_RETURN(const int64_t id, find(r.departments, d));
      dir_.department_ids.push_back(id);
    }
    for (auto& s : dir_.staff) {
      MS_ASSIGN_OR_RETURN(s.id, find(r.staff, s.name));
    }
    for (auto& l : dir_.locations) {
      MS_ASSIGN_OR_RETURN(l.id, find(r.locations, l.name));
    }
    return Ok();
  }

  // The next card: the fixed items (buildings, land, vehicles, networks)
  // first, then ordinary cards drawn by weight.
  Result<PlannedCard> Next() {
    PlannedCard pc;
    if (next_fixed_ < fixed_.size()) {
      const Fixed& f = fixed_[next_fixed_++];
      if (f.building != nullptr) {
        MS_TRY(Building(*f.building, pc));
      } else {
        MS_TRY(FromTemplate(*f.item, pc));
      }
    } else {
      MS_TRY(FromTemplate(DrawOrdinary(), pc));
    }
    MS_TRY(PlanHistory(pc));
    return pc;
  }

 private:
  struct Fixed {
    const GenBuilding* building = nullptr;
    const Template* item = nullptr;
  };
  struct Weighted {
    const Template* t;
    int64_t cumulative;
  };

  void PlanFixedItems() {
    for (const auto& b : buildings_) fixed_.push_back({&b, nullptr});
    for (const auto& use : spec_.kits) {
      const size_t n = use.take > 0 ? static_cast<size_t>(use.take) : use.kit->size();
      for (size_t i = 0; i < n && i < use.kit->size(); ++i) {
        const Template& t = (*use.kit)[i];
        if (t.weight == 0) {
          const auto k = rng_.Between(t.fixed_lo, t.fixed_hi);
          for (int64_t j = 0; j < k; ++j) fixed_.push_back({nullptr, &t});
        } else if (use.percent > 0) {
          total_weight_ += t.weight * use.percent;
          ordinary_.push_back({&t, total_weight_});
        }
      }
    }
    // Small units: the fixed items take at most half of the cards.
    const auto cap = static_cast<size_t>(std::max<int64_t>(count_ >= 2 ? 1 : 0, count_ / 2));
    if (fixed_.size() > cap) fixed_.resize(cap);
  }

  const Template& DrawOrdinary() {
    const int64_t r = rng_.Between(0, total_weight_ - 1);
    const auto it = std::upper_bound(ordinary_.begin(), ordinary_.end(), r,
                                     [](int64_t v, const Weighted& w) { return v < w.cumulative; });
    return *it->t;
  }

  std::string PickAlternative(const char* alternatives) {
    const auto alts = Split(alternatives, '|');
    return std::string(alts[rng_.Index(alts.size())]);
  }

  // Acquired some days before the reference date, booked a few days later.
  void Dates(CardInput& in, int64_t back_lo, int64_t back_hi) {
    const Date ref = ReferenceDate();
    const Date acquired{static_cast<int32_t>(ref.days - rng_.Between(back_lo, back_hi))};
    const Date booked{
        static_cast<int32_t>(std::min<int64_t>(ref.days, acquired.days + rng_.Between(0, 20)))};
    in.acquired_on = acquired;
    in.booked_on = booked;
  }

  void Money(CardInput& in, int64_t yuan) {
    in.original_value = Fen{yuan * 100};
    in.funding_source =
        *in.acquisition_method == "捐赠" || rng_.Chance(0.15) ? "非财政" : "财政拨款";
  }

  static int64_t RoundPrice(int64_t yuan) {
    if (yuan >= 100'000) return yuan / 1000 * 1000;
    if (yuan >= 1'000) return yuan / 10 * 10;
    return yuan;
  }

  size_t Head(size_t dept) const { return dir_.staff_of[dept].front(); }

  void Holder(PlannedCard& pc, bool immovable) {
    if (immovable) {
      pc.department = 0;
      pc.manager = Head(0);
    } else {
      pc.department = rng_.Index(dir_.departments.size());
      if (rng_.Chance(0.92)) pc.custodian = rng_.Pick(dir_.staff_of[*pc.department]);
      if (rng_.Chance(0.5)) pc.manager = Head(*pc.department);
    }
  }

  void Common(CardInput& in, const PlannedCard& pc, const char* subject,
              const asset::Category& cat) {
    in.subject_code = subject != nullptr ? subject : cat.code.starts_with("A07") ? "1302" : "1601";
    in.department_id = dir_.department_ids[*pc.department];
    if (pc.custodian) in.custodian_id = dir_.staff[*pc.custodian].id;
    if (pc.manager) in.manager_id = dir_.staff[*pc.manager].id;
    in.location_id = dir_.locations[pc.location].id;
    if (rng_.Chance(0.95)) in.usage_direction = "自用";
  }

  Result<void> Building(const GenBuilding& b, PlannedCard& pc) {
    MS_ASSIGN_OR_RETURN(const asset::Category* cat, categories_.Get(b.spec->category));
    CardInput& in = pc.input;
    in.name = b.name;
    in.category_code = cat->code;
    in.acquisition_method = AcquisitionMethod(rng_, true, false);
    Dates(in, 365 * 2, 365 * 28);
    const double area =
        static_cast<double>(rng_.Between(b.spec->area_lo * 100, b.spec->area_hi * 100)) / 100.0;
    const int64_t price = rng_.Between(b.spec->price_lo, b.spec->price_hi);
    Money(in, RoundPrice(static_cast<int64_t>(std::llround(area * static_cast<double>(price)))));
    in.quantity = 1;
    in.unit_of_measure = "栋";
    if (const int life = LifeMonths(rng_, *cat, 0); life > 0) in.life_months = life;
    asset::CardExt ext;
    ext.area_m2 = area;
    const double r = rng_.Unit();
    ext.structure = r < 0.7 ? "钢筋混凝土" : r < 0.95 ? "砖混" : "钢结构";
    if (rng_.Chance(0.8)) {
      ext.certificate = "示房权证城关字第" + Digits(rng_, 7) + "号";
      in.certificate_no = ext.certificate;
    }
    in.ext = ext;
    if (rng_.Chance(0.5))
      in.project_ref = "MSGC-" + std::to_string(in.acquired_on->year()) + "-" + Digits(rng_, 3);
    if (in.acquired_on->days > ReferenceDate().days - 730 && rng_.Chance(0.3))
      in.value_status = "provisional";
    pc.location = b.location;
    Holder(pc, true);
    Common(in, pc, b.spec->subject, *cat);
    immovable_ = true;
    kind_ = Shape::kGoods;
    return Ok();
  }

  Result<void> FromTemplate(const Template& t, PlannedCard& pc) {
    MS_ASSIGN_OR_RETURN(const asset::Category* cat, categories_.Get(t.category));
    CardInput& in = pc.input;
    const bool immovable = cat->code.starts_with("A01");
    in.name = PickAlternative(t.names);
    in.category_code = cat->code;
    in.acquisition_method = AcquisitionMethod(rng_, immovable, t.shape == Shape::kLand);
    const int64_t price = RoundPrice(rng_.Between(t.price_lo, t.price_hi));
    asset::CardExt ext;
    switch (t.shape) {
      case Shape::kLand: {
        Dates(in, 365 * 5, 365 * 30);
        const int64_t area = rng_.Between(t.lo, t.hi);
        Money(in, RoundPrice(area * price));
        in.quantity = 1;
        in.unit_of_measure = "宗";
        ext.area_m2 = static_cast<double>(area);
        ext.land_class = cat->name;
        ext.certificate =
            "示国用（" + std::to_string(in.acquired_on->year()) + "）第" + Digits(rng_, 5) + "号";
        in.certificate_no = ext.certificate;
        break;
      }
      case Shape::kVehicle: {
        Dates(in, 30, 365 * 10);
        Money(in, price);
        in.quantity = 1;
        in.unit_of_measure = t.uom;
        ext.plate = Plate(rng_);
        ext.vin = Vin(rng_);
        ext.engine_no = Alnum(rng_, "", static_cast<int>(rng_.Between(8, 10)));
        ext.displacement_l = static_cast<double>(rng_.Between(t.lo, t.hi)) / 10.0;
        in.certificate_no = ext.plate;
        break;
      }
      case Shape::kGoods: {
        if (immovable) {
          Dates(in, 365, 365 * 20);
        } else {
          Dates(in, 0, 3650);
        }
        const int64_t quantity = rng_.Between(t.lo, t.hi);
        Money(in, price * quantity);
        in.quantity = quantity;
        in.unit_of_measure = t.uom;
        break;
      }
    }
    if (!ext.empty()) in.ext = ext;
    const auto makes = Split(t.makes, '|');
    if (!makes.empty()) {
      const auto make = makes[rng_.Index(makes.size())];
      const auto colon = make.find(':');
      in.brand = std::string(make.substr(0, colon));
      if (colon != std::string_view::npos) {
        const auto models = Split(make.substr(colon + 1), ',');
        in.model = std::string(models[rng_.Index(models.size())]);
        if (price >= 500 && rng_.Chance(0.8)) in.serial_no = Alnum(rng_, "", 12);
      }
    }
    if (std::string_view(t.specs).size() > 0) in.spec = PickAlternative(t.specs);
    if (cat->depreciable) {
      in.life_months = LifeMonths(rng_, *cat, t.life_years);
    } else {
      in.life_months.reset();
    }
    if (immovable && rng_.Chance(0.4)) {
      in.project_ref = "MSGC-" + std::to_string(in.acquired_on->year()) + "-" + Digits(rng_, 3);
    }
    pc.location = PickLocation(rng_, dir_, t.place);
    Holder(pc, immovable || t.shape != Shape::kGoods);
    if (t.shape == Shape::kVehicle && dir_.staff_of[0].size() > 1)
      pc.custodian = rng_.Pick(dir_.staff_of[0]);
    Common(in, pc, t.subject, *cat);
    immovable_ = immovable || t.shape == Shape::kLand;
    kind_ = t.shape;
    return Ok();
  }

  // ---- history ----------------------------------------------------------------

  struct Holding {
    std::optional<size_t> department, custodian, manager;
    size_t location = 0;
  };

  // The before / after objects of an assignment: the keys that changed, as
  // AssetService writes them (department, custodian, manager; id and name).
  std::pair<std::string, std::string> AssignJson(const Holding& a, const Holding& b) const {
    json::object before, after;
    auto dept_id = [&](const std::optional<size_t>& d) {
      return d ? json::value(dir_.department_ids[*d]) : json::value(nullptr);
    };
    auto dept_name = [&](const std::optional<size_t>& d) {
      return d ? json::value(dir_.departments[*d]) : json::value(nullptr);
    };
    auto staff_id = [&](const std::optional<size_t>& s) {
      return s ? json::value(dir_.staff[*s].id) : json::value(nullptr);
    };
    auto staff_name = [&](const std::optional<size_t>& s) {
      return s ? json::value(dir_.staff[*s].name) : json::value(nullptr);
    };
    if (a.department != b.department) {
      before["department_id"] = dept_id(a.department);
      before["department_name"] = dept_name(a.department);
      after["department_id"] = dept_id(b.department);
      after["department_name"] = dept_name(b.department);
    }
    if (a.custodian != b.custodian) {
      before["custodian_id"] = staff_id(a.custodian);
      before["custodian_name"] = staff_name(a.custodian);
      after["custodian_id"] = staff_id(b.custodian);
      after["custodian_name"] = staff_name(b.custodian);
    }
    if (a.manager != b.manager) {
      before["manager_id"] = staff_id(a.manager);
      before["manager_name"] = staff_name(a.manager);
      after["manager_id"] = staff_id(b.manager);
      after["manager_name"] = staff_name(b.manager);
    }
    return {json::serialize(before), json::serialize(after)};
  }

  std::string LocationJson(size_t l) const {
    return json::serialize(json::object{{"location_id", dir_.locations[l].id},
                                        {"location_name", dir_.locations[l].name}});
  }

  // A new holder: mostly someone else in the same department, sometimes
  // another department (its head becomes the manager).
  std::optional<Holding> Reassign(const Holding& h) {
    Holding next = h;
    if (immovable_) {
      const auto& office = dir_.staff_of[0];
      if (office.size() < 2) return std::nullopt;
      next.manager = rng_.Pick(office);
    } else if (rng_.Chance(0.6) && h.department && dir_.staff_of[*h.department].size() > 1) {
      next.custodian = rng_.Pick(dir_.staff_of[*h.department]);
    } else {
      next.department = rng_.Index(dir_.departments.size());
      next.custodian = rng_.Pick(dir_.staff_of[*next.department]);
      if (h.manager) next.manager = Head(*next.department);
    }
    if (next.custodian == h.custodian && next.manager == h.manager &&
        next.department == h.department) {
      return std::nullopt;
    }
    return next;
  }

  std::optional<size_t> Relocation(size_t from) {
    const Place place = dir_.locations[from].place;
    for (int attempt = 0; attempt < 4; ++attempt) {
      const size_t to = PickLocation(rng_, dir_, place == Place::kSite ? Place::kAny : place);
      if (to != from) return to;
    }
    return std::nullopt;
  }

  // Three years of history before the reference date (never before the
  // booking): state cycles that come back to in use, a final state for some,
  // hand-overs and relocations in between; each event checked against the
  // life-cycle table.
  Result<void> PlanHistory(PlannedCard& pc) {
    const Date ref = ReferenceDate();
    const int32_t first_day = std::max(pc.input.booked_on->days + 1, ref.days - 1095);
    const int32_t last_day = ref.days;
    pc.state = State::kInUse;
    if (first_day > last_day) return Ok();

    const bool land = kind_ == Shape::kLand;
    const bool structure = immovable_ && !pc.input.ext;  // networks, fields, walls
    const bool movable = !immovable_;
    const bool equipment = movable && pc.input.category_code->starts_with("A02");
    const bool old = ref.days - pc.input.acquired_on->days > 365 * 5;

    std::vector<Event> states;
    auto cycle = [&](double p, bool allowed, Event start, Event end) {
      if (allowed && rng_.Chance(p)) {
        states.push_back(start);
        states.push_back(end);
      }
    };
    cycle(0.06, !land && !structure, Event::kMarkIdle, Event::kBackInUse);
    cycle(0.06, equipment, Event::kRepairStart, Event::kRepairEnd);
    cycle(0.015, movable, Event::kLendStart, Event::kLendEnd);
    if (states.size() == 4 && rng_.Chance(0.5))
      std::swap_ranges(states.begin(), states.begin() + 2, states.begin() + 2);
    // The state the card ends in.
    const double r = rng_.Unit();
    const bool building = immovable_ && pc.input.ext && pc.input.ext->structure;
    if (r < 0.045 && !land && !structure) {
      states.push_back(Event::kMarkIdle);
    } else if (r < 0.06 && equipment) {
      states.push_back(Event::kRepairStart);
    } else if (r < 0.075 && (building || kind_ == Shape::kVehicle || equipment)) {
      states.push_back(Event::kLeaseStart);
    } else if (r < 0.095 && movable) {
      states.push_back(Event::kLendStart);
    } else if (r < 0.125 && movable && old) {
      states.push_back(Event::kMarkPendingDisposal);
    } else if (building && r > 0.95) {
      states.push_back(Event::kLeaseStart);  // 出租 of spare buildings is common
    }

    int assigns = 0;
    const double a = rng_.Unit();
    assigns = a < 0.70 ? 0 : a < 0.92 ? 1 : a < 0.98 ? 2 : 3;
    int relocations = 0;
    if (movable) {
      const double m = rng_.Unit();
      relocations = m < 0.85 ? 0 : m < 0.97 ? 1 : 2;
    }
    const size_t n = states.size() + static_cast<size_t>(assigns + relocations);
    if (n == 0) return Ok();

    // Which slots are state events (in order), which hand-overs / relocations.
    std::vector<int> slots(n, 0);  // 0 state, 1 assign, 2 relocate
    for (size_t i = states.size(); i < states.size() + static_cast<size_t>(assigns); ++i)
      slots[i] = 1;
    for (size_t i = states.size() + static_cast<size_t>(assigns); i < n; ++i) slots[i] = 2;
    for (size_t i = n - 1; i > 0; --i) std::swap(slots[i], slots[rng_.Index(i + 1)]);
    // A repair or a loan that has not ended started recently: it is the last
    // event, within the last two months (repair) or ten months (loan).
    int32_t recent_from = first_day;
    if (!states.empty() &&
        (states.back() == Event::kRepairStart || states.back() == Event::kLendStart) &&
        states.size() % 2 == 1) {
      const auto last_state = std::find(slots.rbegin(), slots.rend(), 0);
      std::rotate(last_state.base() - 1, last_state.base(), slots.end());
      recent_from =
          std::max(first_day, last_day - (states.back() == Event::kRepairStart ? 60 : 300));
    }
    std::vector<int64_t> times(n);
    for (auto& t : times)
      t = AtWork(rng_, static_cast<int32_t>(rng_.Between(first_day, last_day))).micros;
    times.back() = AtWork(rng_, static_cast<int32_t>(rng_.Between(recent_from, last_day))).micros;
    std::sort(times.begin(), times.end() - 1);
    if (recent_from == first_day) std::sort(times.begin(), times.end());
    for (size_t i = 1; i < n; ++i) times[i] = std::max(times[i], times[i - 1] + 1'000'000);

    Holding h{pc.department, pc.custodian, pc.manager, pc.location};
    State state = State::kInUse;
    size_t next_state = 0;
    for (size_t i = 0; i < n; ++i) {
      PlannedEvent e;
      e.at = UtcTime{times[i]};
      e.before = state;
      if (slots[i] == 0) {
        e.event = states[next_state++];
        const auto to = asset::Transition(state, e.event);
        if (!to) {
          return InternalError("demo: planned " + std::string(asset::EventName(e.event)) +
                               " from " + std::string(asset::StateName(state)));
        }
        e.after = *to;
        e.before_json = StateJson(state);
        e.after_json = StateJson(*to);
        e.note = StateNote(e.event);
        state = *to;
      } else if (slots[i] == 1) {
        const auto next = Reassign(h);
        if (!next) continue;
        e.event = Event::kAssign;
        e.after = state;
        std::tie(e.before_json, e.after_json) = AssignJson(h, *next);
        e.note = kAssignNotes[rng_.Index(std::size(kAssignNotes))];
        h = *next;
      } else {
        const auto to = Relocation(h.location);
        if (!to) continue;
        e.event = Event::kRelocate;
        e.after = state;
        e.before_json = LocationJson(h.location);
        e.after_json = LocationJson(*to);
        e.note = kRelocateNotes[rng_.Index(std::size(kRelocateNotes))];
        h.location = *to;
      }
      pc.events.push_back(std::move(e));
    }
    pc.department = h.department;
    pc.custodian = h.custodian;
    pc.manager = h.manager;
    pc.location = h.location;
    pc.state = state;
    return Ok();
  }

  std::string StateNote(Event e) {
    switch (e) {
      case Event::kMarkIdle:
        return rng_.Chance(0.5) ? "暂不使用，闲置待调剂" : "业务调整，暂时闲置";
      case Event::kBackInUse:
        return "重新启用";
      case Event::kRepairStart:
        return kRepairNotes[rng_.Index(std::size(kRepairNotes))];
      case Event::kRepairEnd:
        return "维修完成，恢复使用";
      case Event::kLendStart:
        return "出借给兄弟单位临时使用";
      case Event::kLendEnd:
        return "出借到期归还";
      case Event::kLeaseStart:
        return std::string("出租给") + kLessees[rng_.Index(std::size(kLessees))] + "，租期" +
               std::to_string(rng_.Between(1, 3)) + "年";
      case Event::kMarkPendingDisposal:
        return rng_.Chance(0.6) ? "已达使用年限，申请报废处置" : "损坏无法修复，申请报废";
      default:
        return "";
    }
  }

  const KindSpec& spec_;
  int64_t count_;
  Categories& categories_;
  Rng rng_;
  Directory dir_;
  std::vector<GenBuilding> buildings_;
  std::vector<Fixed> fixed_;
  size_t next_fixed_ = 0;
  std::vector<Weighted> ordinary_;
  int64_t total_weight_ = 0;
  // What the card being generated is (for its history).
  bool immovable_ = false;
  Shape kind_ = Shape::kGoods;
};

// ---------------------------------------------------------------------------
// Writing.

// Multi-row statements, built once from the constant fragments of
// demo/sql.h: head, `rows` × "(…)" of `columns` placeholders (each cast to
// types[c] when given, so PostgreSQL knows the types of a VALUES list), tail.
class MultiRow {
 public:
  MultiRow(const char* name, const char* head, int rows, int columns, const char* const* types,
           const char* tail)
      : name_(name) {
    text_ = head;
    for (int r = 0; r < rows; ++r) {
      text_ += r > 0 ? ", (" : "(";
      for (int c = 0; c < columns; ++c) {
        const std::string p = "$" + std::to_string(r * columns + c + 1);
        if (c > 0) text_ += ", ";
        text_ += types != nullptr ? "CAST(" + p + " AS " + types[c] + ")" : p;
      }
      text_ += ")";
    }
    text_ += tail;
  }
  db::Sql sql() const { return {name_.c_str(), text_.c_str()}; }

 private:
  std::string name_;
  std::string text_;
};

// Rows for one multi-row statement: sent `rows` at a time; Finish sends the
// remainder one row at a time (with the one-row form).
class Batch {
 public:
  Batch(db::Connection& c, db::Sql many, db::Sql one, int columns, int rows)
      : c_(c), many_(many), one_(one), columns_(static_cast<size_t>(columns)),
        full_(static_cast<size_t>(columns * rows)) {
    params_.reserve(full_);
  }

  // Appends one row's values (columns of them) and sends a full batch.
  Result<void> Add(std::initializer_list<db::Param> row) {
    params_.insert(params_.end(), row.begin(), row.end());
    if (params_.size() < full_) return Ok();
    MS_TRY(c_.Exec(many_, db::Params(params_.data(), params_.size())));
    params_.clear();
    return Ok();
  }
  Result<void> Finish() {
    for (size_t at = 0; at < params_.size(); at += columns_) {
      MS_TRY(c_.Exec(one_, db::Params(params_.data() + at, columns_)));
    }
    params_.clear();
    return Ok();
  }

 private:
  db::Connection& c_;
  db::Sql many_, one_;
  size_t columns_, full_;
  std::vector<db::Param> params_;
};

const MultiRow& EventInserts(bool many) {
  static const MultiRow kMany("demo.event.insert_batch", sql::kEventInsertHead, sql::kEventBatchRows,
                              sql::kEventColumns, nullptr, "");
  static const MultiRow kOne("demo.event.insert", sql::kEventInsertHead, 1, sql::kEventColumns, nullptr, "");
  return many ? kMany : kOne;
}

const MultiRow& CardUpdates(bool many) {
  static const MultiRow kMany("demo.asset.after_history_batch", sql::kCardHistoryHead, sql::kCardBatchRows,
                              sql::kCardColumns, sql::kCardHistoryTypes, sql::kCardHistoryTail);
  static const MultiRow kOne("demo.asset.after_history", sql::kCardHistoryHead, 1, sql::kCardColumns,
                             sql::kCardHistoryTypes, sql::kCardHistoryTail);
  return many ? kMany : kOne;
}

// Cards per owner: `total` split by the owners' sizes (each jittered ±20%),
// largest remainder first, so the counts add up exactly.
std::vector<int64_t> SplitTotal(const std::vector<AssetOwner>& owners, int64_t total,
                                uint64_t seed) {
  Rng rng(seed ^ 0x5EEDC0FFEEULL);
  std::vector<double> share(owners.size());
  double sum = 0;
  for (size_t i = 0; i < owners.size(); ++i) {
    share[i] = Spec(KindOf(owners[i])).size * (0.8 + 0.4 * rng.Unit());
    sum += share[i];
  }
  std::vector<int64_t> counts(owners.size());
  std::vector<std::pair<double, size_t>> remainders;
  int64_t given = 0;
  for (size_t i = 0; i < owners.size(); ++i) {
    const double exact = static_cast<double>(total) * share[i] / sum;
    counts[i] = static_cast<int64_t>(std::floor(exact));
    given += counts[i];
    remainders.emplace_back(exact - std::floor(exact), i);
  }
  std::sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (size_t k = 0; given < total && k < remainders.size(); ++k, ++given)
    ++counts[remainders[k].second];
  return counts;
}

class Writer {
 public:
  Writer(App& app, const AssetOptions& options, AssetSummary& summary)
      : app_(app), summary_(summary), request_id_("demo-" + std::to_string(options.seed)) {}

  Result<void> WriteDirectory(OwnerGenerator& gen, const AssetOwner& owner) {
    MS_ASSIGN_OR_RETURN(auto tx, app_.db->Write());
    MS_ASSIGN_OR_RETURN(auto resolved,
                        app_.directories->ResolveOrCreate(*tx, caller_, owner.org_id, gen.Names()));
    MS_TRY(gen.SetIds(resolved));
    const auto& dir = gen.directory();
    for (const auto& s : dir.staff) {
      MS_TRY(tx->Exec(sql::kStaffDepartment, {s.id, dir.department_ids[s.department]}));
    }
    MS_TRY(tx.Commit());
    summary_.departments += static_cast<int64_t>(dir.departments.size());
    summary_.staff += static_cast<int64_t>(dir.staff.size());
    summary_.locations += static_cast<int64_t>(dir.locations.size());
    return Ok();
  }

  // One chunk of one owner: registration, history and rollup deltas in one
  // transaction.
  Result<void> WriteChunk(const AssetOwner& owner, const Directory& dir,
                          std::vector<PlannedCard>& cards, int chunk_no) {
    std::vector<CardInput> inputs;
    inputs.reserve(cards.size());
    for (const auto& c : cards) inputs.push_back(c.input);
    MS_ASSIGN_OR_RETURN(auto tx, app_.db->Write());
    asset::BatchOptions batch;
    batch.batch_id = request_id_ + "-" + owner.code + "-" + std::to_string(chunk_no);
    batch.note = "演示数据";
    MS_ASSIGN_OR_RETURN(auto registered,
                        app_.assets->RegisterMany(*tx, caller_, owner.org_id, inputs, batch));

    std::unordered_map<std::string, int64_t> id_of;
    MS_TRY(tx->ForEach(sql::kChunkIds,
                       {owner.org_id, registered.numbers.front(), registered.numbers.back()},
                       [&](const db::Row& r) {
                         id_of.emplace(r.Text(1), r.Int(0));
                         return true;
                       }));
    std::vector<int64_t> ids(cards.size());
    for (size_t i = 0; i < cards.size(); ++i) {
      auto it = id_of.find(registered.numbers[i]);
      if (it == id_of.end())
        return InternalError("demo: registered card " + registered.numbers[i] + " not found");
      ids[i] = it->second;
    }
    const auto [min_id, max_id] = std::minmax_element(ids.begin(), ids.end());

    // Cards with a history get their values after it, their events, and
    // rollup deltas per category × state for those whose state changed.
    std::map<std::pair<std::string, State>, std::pair<int64_t, int64_t>> deltas;
    Batch updates(*tx, CardUpdates(true).sql(), CardUpdates(false).sql(), sql::kCardColumns,
                  sql::kCardBatchRows);
    Batch inserts(*tx, EventInserts(true).sql(), EventInserts(false).sql(), sql::kEventColumns,
                  sql::kEventBatchRows);
    int64_t events = 0;
    auto opt_id = [](const std::optional<size_t>& index, auto id_at) -> std::optional<int64_t> {
      if (!index) return std::nullopt;
      return id_at(*index);
    };
    for (size_t i = 0; i < cards.size(); ++i) {
      const PlannedCard& c = cards[i];
      if (c.events.empty()) continue;
      const auto dept = opt_id(c.department, [&](size_t k) { return dir.department_ids[k]; });
      const auto custodian = opt_id(c.custodian, [&](size_t k) { return dir.staff[k].id; });
      const auto manager = opt_id(c.manager, [&](size_t k) { return dir.staff[k].id; });
      MS_TRY(updates.Add({ids[i], dept, custodian, manager, dir.locations[c.location].id,
                          asset::StateName(c.state), static_cast<int64_t>(1 + c.events.size()),
                          c.events.back().at.micros}));
      if (c.state != State::kInUse) {
        const int64_t value = c.input.original_value->value;
        auto& from = deltas[{*c.input.category_code, State::kInUse}];
        from.first -= 1;
        from.second -= value;
        auto& to = deltas[{*c.input.category_code, c.state}];
        to.first += 1;
        to.second += value;
      }
      for (const auto& e : c.events) {
        MS_TRY(inserts.Add({owner.org_id, ids[i], asset::EventName(e.event), asset::StateName(e.before),
                            asset::StateName(e.after), e.at.micros, nullptr, dir.clerk, e.before_json,
                            e.after_json, e.note, request_id_}));
        ++events;
      }
    }
    MS_TRY(updates.Finish());
    MS_TRY(inserts.Finish());
    // The rest were created when booked; the register events say so too.
    MS_TRY(tx->Exec(sql::kCardCreatedAt, {owner.org_id, *min_id, *max_id}));
    MS_TRY(tx->Exec(sql::kRegisterEventAt, {owner.org_id, *min_id, *max_id}));
    for (const auto& [key, d] : deltas) {
      if (d.first == 0 && d.second == 0) continue;
      const std::string_view state = asset::StateName(key.second);
      MS_TRY(tx->Exec(sql::kRollupAdd, {owner.org_id, key.first, state, d.first, d.second}));
      if (d.first < 0) MS_TRY(tx->Exec(sql::kRollupPrune, {owner.org_id, key.first, state}));
    }
    const std::string after =
        json::serialize(json::object{{"batch_id", batch.batch_id},
                                     {"cards", static_cast<int64_t>(cards.size())},
                                     {"events", events},
                                     {"first_number", registered.numbers.front()},
                                     {"last_number", registered.numbers.back()}});
    MS_TRY(audit::Write(
        *tx, caller_,
        {"asset.demo_history", "asset_batch", batch.batch_id, owner.org_id, std::nullopt, after}));
    MS_TRY(tx.Commit());
    summary_.cards += registered.count;
    summary_.events += events;
    summary_.value += registered.total_value;
    return Ok();
  }

 private:
  App& app_;
  AssetSummary& summary_;
  std::string request_id_;
  auth::Caller caller_{&CliPrincipal(), "demo", "local"};
};

}  // namespace

Result<AssetSummary> LoadAssets(App& app, const std::vector<AssetOwner>& owners,
                                const AssetOptions& options) {
  AssetSummary summary;
  Categories categories(*app.categories);
  Writer writer(app, options, summary);
  const auto counts = SplitTotal(owners, options.total, options.seed);
  const auto chunk = static_cast<size_t>(std::max(1, options.chunk));
  int64_t done = 0;
  for (size_t i = 0; i < owners.size(); ++i) {
    if (counts[i] == 0) continue;
    OwnerGenerator gen(owners[i], counts[i], SplitMix(options.seed) ^ SplitMix(i + 1), categories);
    gen.PlanDirectory();
    MS_TRY(writer.WriteDirectory(gen, owners[i]));
    std::vector<PlannedCard> cards;
    int chunk_no = 0;
    for (int64_t k = 0; k < counts[i]; ++k) {
      MS_ASSIGN_OR_RETURN(PlannedCard card, gen.Next());
      cards.push_back(std::move(card));
      if (cards.size() == chunk || k + 1 == counts[i]) {
        MS_TRY(writer.WriteChunk(owners[i], gen.directory(), cards, ++chunk_no));
        done += static_cast<int64_t>(cards.size());
        cards.clear();
        if (options.progress) options.progress(done, options.total);
      }
    }
  }
  return summary;
}

}  // namespace minsheng::demo
