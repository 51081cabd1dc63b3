import type { nodesEn } from './nodes-en';

/** 节点页面的中文消息。 */
export const nodesZhCN: Record<keyof typeof nodesEn, string> = {
  'nav.nodes': '节点状态',
  'nodes.title': '节点',
  'nodes.intro': '共用 MQTT 服务器的所有 Watchpost 节点，本节点排在最前。节点心跳中断后 15 秒内显示为离线，其摄像机随之离线。',
  'nodes.id': '节点',
  'nodes.role': '角色',
  'nodes.status': '状态',
  'nodes.lastSeen': '最近心跳',
  'nodes.cameras': '摄像机',
  'nodes.self': '（本节点）',
  'nodes.ago': '{s} 秒前',
  'nodes.role.standalone': '单机',
  'nodes.role.recorder': '录像节点',
  'nodes.role.central': '中心',
  'nodes.status.online': '在线',
  'nodes.status.offline': '离线',
  'nodes.show': '查看摄像机',
  'nodes.hide': '收起摄像机',
  'nodes.camerasOf': '{node} 的摄像机',
  'nodes.camera': '摄像机',
  'nodes.since': '起始时间',
  'nodes.noCameras': '没有摄像机。',
  'nodes.down': '{node} 已离线：其摄像机当前无法监看。请上报并检查该录像节点。',
  'reason.recorder down': '录像节点离线',
};
