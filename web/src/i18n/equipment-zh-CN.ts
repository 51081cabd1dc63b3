import type { equipmentEn } from './equipment-en';

/** 监控设备巡检页面的中文消息。 */
export const equipmentZhCN: Record<keyof typeof equipmentEn, string> = {
  'nav.equipment': '设备巡检',
  'equipment.title': '监控设备日常巡检',
  'equipment.date': '日期',
  'equipment.camera': '摄像机',
  'equipment.online': '在线（分钟）',
  'equipment.completeness': '录像完整率',
  'equipment.offline': '离线次数',
  'equipment.clock': '时钟偏差',
  'equipment.tamper': '遮挡/破坏报警',
  'equipment.restarts': '重启次数',
  'equipment.status': '状态',
  'equipment.flagged': '需处理',
  'equipment.ok': '正常',
  'equipment.gaps': '录像缺失',
  'equipment.noGaps': '没有缺失。',
  'equipment.summary': '共 {n} 路摄像机，{f} 路需处理（完整率低于 {t}%）',
  'equipment.print': '打印巡检表',
  'equipment.csv': '下载 CSV',
  'equipment.note': '备注（如：已报修）',
  'equipment.sign': '签字确认巡检',
  'equipment.signed': '已签字确认：监控记录第 {seq} 条。',
  'equipment.empty': '没有摄像机。',
};
